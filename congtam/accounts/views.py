from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from congtam.accounts.forms import LoginForm


@method_decorator(login_not_required, name="dispatch")
class CongTamLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class CongTamLogoutView(auth_views.LogoutView):
    pass


@require_GET
def home(request):
    person = request.user.person
    if person is None:
        return redirect("org:unit_tree")
    return render(request, "accounts/home.html", {"person": person})
