from django import template

from programs.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.inclusion_tag("programs/eligibility/_rules.html", takes_context=True)
def eligibility_rules(context, cohort):
    """The program's eligibility rules and screening questions, shown before an applicant starts (two queries)."""
    from programs.models import CodeOfConduct
    from programs.services.conduct import conduct_pending
    from programs.services.eligibility import rule_texts, rules_for

    user = context["request"].user
    has_code = CodeOfConduct.objects.filter(program=cohort.program).exists()
    return {"cohort": cohort, "accepting": context.get("accepting"), "has_code": has_code,
            "conduct_pending": has_code and (not user.is_authenticated
                                             or conduct_pending(user=user, program=cohort.program) is not None),
            "next": context["request"].path,
            "eligibility": {"rules": rule_texts(rules_for(cohort.program)),
                            "questions": list(cohort.program.screening_questions.all())}}
