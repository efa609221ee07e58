def panel(user) -> dict | None:
    if not user.has_perm_name("view_stub"):
        return None
    return {"title": "试点工作", "cards": [{"label": "试点村", "value": 3}]}
