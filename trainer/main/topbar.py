"""The top bar (navigation and the signed-in person), rendered once per person and page kind.

The bar is the same on every request of a person on the same kind of page, except for the CSRF
token of its sign-out form; that token is cut out of the cached copy and put back per request.
A change to the person's name, role or school gives a different key, so it is never stale.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

_PLACEHOLDER = "\x00csrf\x00"
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()
CACHED = 4096


def topbar() -> Markup:
    user = current_user
    if user.is_authenticated:
        key = (user.id, user.name, user.role, user.school.name if user.school else "", request.endpoint,
               request.blueprint)
    else:
        key = (None, request.endpoint == "auth.login")
    html = _cache.get(key)
    if html is None:
        token = generate_csrf() if user.is_authenticated else None
        html = render_template("_partials/nav.html")
        if token:
            html = html.replace(token, _PLACEHOLDER)
        with _lock:
            _cache[key] = html
            while len(_cache) > CACHED:
                _cache.popitem(last=False)
    if _PLACEHOLDER in html:
        html = html.replace(_PLACEHOLDER, generate_csrf())
    return Markup(html)
