from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def declare_name(request):
    return render(request, "accounts/declare_name.html")


@login_required
def profile(request):
    return render(request, "accounts/profile.html")
