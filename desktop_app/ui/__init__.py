"""Qt views: each tab reads its model and draws it; the math lives in desktop_app.model."""
