"""LMS integration (LTI 1.3 with PyLTI1p3): launch, deep linking, grade passback (AGS).

The modules here other than ``views`` and ``forms`` never import Flask.
"""
