"""One page permission tester per page object and user.

Wagtail builds a ``PagePermissionTester`` each time ``permissions_for_user``
is called, and each build walks every page permission the user holds: a
country team holds about 150 (six actions on three sections in eight locale
trees), 0.25 ms a build. The explorer asks it for every button of every row,
about ten times a row (issue #19, P7:scale). The tester reads the page's
state (lock, live, workflow) when asked, and only its set of granted actions
at build, from the page's path and the user's permissions, which Wagtail
already caches on the user for the request; so one tester per page object,
user and path answers exactly as a new one would.
"""


class PermissionTesterOnce:
    """Mixin for page models, before ``Page`` in the bases (Wagtail's
    documented override point: ``Page.permissions_for_user``)."""

    def permissions_for_user(self, user):
        cache = self.__dict__.setdefault("_permission_testers", {})
        # The tester holds the user, so its id is not reused while cached.
        key = (id(user), self.path)
        if key not in cache:
            cache[key] = super().permissions_for_user(user)
        return cache[key]
