def panel(user) -> dict | None:
    if not user.has_perm_name("view_stub"):
        return None
    return {"title": "样例工作区", "cards": [{"label": "样例卡片甲", "value": 3}]}
