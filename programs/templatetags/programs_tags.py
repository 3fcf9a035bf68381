from django import template

from programs.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.inclusion_tag("programs/eligibility/_rules.html", takes_context=True)
def eligibility_rules(context, cohort):
    """The program's eligibility rules and screening questions, shown before an applicant starts (two queries)."""
    from programs.services.eligibility import rule_texts, rules_for

    return {"cohort": cohort, "accepting": context.get("accepting"),
            "eligibility": {"rules": rule_texts(rules_for(cohort.program)),
                            "questions": list(cohort.program.screening_questions.all())}}
