from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .roles import Role


@login_required
def home(request):
    """Each role lands where its daily work starts."""
    if request.user.role == Role.GRASSROOTS:
        return redirect("members:member_list")
    if request.user.unit_id is None and not request.user.is_system_admin:
        return redirect("unions:unit_tree")  # explains that the account has no unit yet
    return redirect("unions:dashboard")
