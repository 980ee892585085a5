"""The report's own words, per language (the findings' messages stay as the stages wrote
them). A site locale without an entry here gets no section of its own."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Site health report", "lead": "What the last build found, and where.",
        "by_stage": "Findings by stage", "by_locale": "Findings by locale",
        "stage": "Stage", "locale": "Locale", "error": "errors", "warning": "warnings",
        "info": "notes", "total": "total", "site": "site-wide",
        "translations": "Translation coverage and staleness", "source": "source",
        "current": "current", "stale": "stale", "untracked": "untracked",
        "missing": "missing", "clusters": "Articles competing for one search intent",
        "clusters_lead": "Each group targets the same or a near-same focus phrase or title "
                         "(CROSS001): give each article its own phrase, or merge them.",
        "phrase": "focus phrase", "article_title": "title", "duplicates": "Near-duplicate texts",
        "duplicates_lead": "Pairs of articles that say mostly the same (CROSS002), side by "
                           "side, with the lines of the paragraphs they share.",
        "similarity": "similarity", "shared": "shared paragraphs", "line": "line",
        "orphans": "Pages no article links to", "orphans_lead": "Orphans (CROSS005): link "
        "to them from related articles.", "suggestions": "Internal link suggestions",
        "suggestions_lead": "Phrases that name another article (CROSS006): link them.",
        "links": "Link health", "links_none": "No links run yet: run `seo-pipeline links` "
        "(or `make links`) and build again.", "none": "None.",
        "more": "and {n} more in reports/{file}", "code": "code", "where": "where",
        "message": "message", "language": "Language",
        "target": "links to", "internal": "internal", "external": "external",
        "kind": "links", "link_ok": "working", "link_skipped": "not checked (offline)",
        "link_broken": "broken",
    },
    "ar": {
        "title": "تقرير صحة الموقع", "lead": "ما وجده آخر بناء للموقع، وأين.",
        "by_stage": "الملاحظات حسب المرحلة", "by_locale": "الملاحظات حسب اللغة",
        "stage": "المرحلة", "locale": "اللغة", "error": "أخطاء", "warning": "تحذيرات",
        "info": "ملاحظات", "total": "المجموع", "site": "على مستوى الموقع",
        "translations": "تغطية الترجمة وتقادمها", "source": "المصدر", "current": "محدّثة",
        "stale": "متقادمة", "untracked": "غير متتبَّعة", "missing": "ناقصة",
        "clusters": "مقالات تتنافس على نية بحث واحدة",
        "clusters_lead": "كل مجموعة تستهدف العبارة المفتاحية نفسها أو عنوانًا شبه مطابق "
                         "(CROSS001): امنح كل مقال عبارته الخاصة أو ادمجها.",
        "phrase": "العبارة المفتاحية", "article_title": "العنوان", "duplicates": "نصوص شبه مكررة",
        "duplicates_lead": "أزواج من المقالات تقول الشيء نفسه تقريبًا (CROSS002)، جنبًا إلى "
                           "جنب، مع أسطر الفقرات المشتركة.",
        "similarity": "نسبة التشابه", "shared": "فقرات مشتركة", "line": "السطر",
        "orphans": "صفحات لا يشير إليها أي مقال",
        "orphans_lead": "صفحات يتيمة (CROSS005): أضف روابط إليها من مقالات ذات صلة.",
        "suggestions": "اقتراحات روابط داخلية",
        "suggestions_lead": "عبارات تسمّي مقالًا آخر (CROSS006): اجعلها روابط إليه.",
        "links": "صحة الروابط",
        "links_none": "لم يُفحص أي رابط بعد: شغّل ‎`seo-pipeline links`‎ ثم ابنِ الموقع مجددًا.",
        "none": "لا شيء.", "more": "و{n} أخرى في reports/{file}", "code": "الرمز",
        "where": "الموضع", "message": "الرسالة", "language": "اللغة",
        "target": "الرابط إلى",
        "internal": "داخلية", "external": "خارجية", "kind": "الروابط", "link_ok": "سليمة",
        "link_skipped": "لم تُفحص (دون اتصال)", "link_broken": "معطّلة",
    },
}
