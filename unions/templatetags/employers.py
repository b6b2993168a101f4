from django import template

register = template.Library()


@register.filter
def tax_code_for(employer, user):
    """The employer's tax code as ``user`` may see it (``Employer.tax_code_for``)."""
    return employer.tax_code_for(user)
