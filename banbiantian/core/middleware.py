"""The request's address for the audit log, without passing it through every service."""

from .audit import request_ip


def audit_request_ip(get_response):
    """Every audit entry written while serving a request carries its client address (REMOTE_ADDR:
    behind a proxy, the proxy must set it, as for axes); entries written by the task worker or a
    command have none."""

    def middleware(request):
        token = request_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return get_response(request)
        finally:
            request_ip.reset(token)

    return middleware
