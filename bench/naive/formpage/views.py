from django.shortcuts import redirect, render

from .forms import ContactForm


def contact(request):
    form = ContactForm(request.POST or None)
    if form.is_valid():
        return redirect("contact")
    return render(request, "formpage/contact.html", {"form": form, "title": "Contact"})
