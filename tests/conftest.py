import os
import tempfile

# 2-D views run on Qt's offscreen platform; OpenGL checks start their own child process on Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings, logs and data go to a throw-away home, never the tester's own.
_home = tempfile.mkdtemp(prefix="dlms-test-home-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_home, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_home, "data")
os.environ["XDG_CACHE_HOME"] = os.path.join(_home, "cache")
