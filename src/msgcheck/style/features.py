"""Lexical features of a claim, from spaCy tokens: the cues a copy editor reads for pain vs feature.

Each feature is a small, explainable number (a rate or a flag), so the style model stays
inspectable. Formatting cues (a final full stop) and call-to-action cues are left out on purpose:
the first differs between writers more than between styles, and calls to action are labelled by
segmentation before the model sees them. The features: second person, problem and outcome words, figures and what they measure, spec and
integration nouns, imperatives, questions, company voice, attributions. Word lists are lemmas and
are deliberately generic across industries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves", "you're", "you'll", "you've",
                 "you'd", "ya"}
FIRST_PLURAL = {"we", "our", "us", "ours", "ourselves", "we're", "we've", "we'll"}
FIRST_SINGULAR = {"i", "my", "me", "mine", "i'm", "i've", "i'd"}

PROBLEM = {
    "lose", "loss", "losing", "lost", "waste", "wasted", "risk", "risky", "costly", "pain",
    "painful", "struggle", "manual", "manually", "slow", "delay", "error", "mistake", "fine",
    "penalty", "churn", "breach", "downtime", "outage", "frustrate", "frustration", "headache",
    "tired", "worry", "worried", "stuck", "chase", "chasing", "burn", "burnout", "bottleneck",
    "backlog", "silo", "siloed", "spreadsheet", "guesswork", "blind", "fail", "failure",
    "miss", "missed", "overrun", "overdue", "late", "leak", "fraud", "exposure", "audit",
    "scramble", "firefight", "firefighting", "rework", "friction", "complexity", "complex",
    "sprawl", "fragmented", "disconnected", "drown", "juggle", "hassle", "tedious", "costs",
    "expensive", "unpredictable", "stale", "outdated", "inaccurate", "abandon", "abandoned",
    "attrition", "turnover", "shortage", "gap", "vulnerable", "threat", "attack", "noncompliance",
    "non-compliance", "bleed", "leakage", "shrink", "spoilage", "scrap", "idle", "wait",
    "waiting", "paperwork", "nightmare", "problem", "issue", "challenge", "struggling", "suffer",
    "still", "anymore", "never", "again", "without",
}
OUTCOME = {
    "cut", "reduce", "save", "saving", "grow", "growth", "increase", "boost", "improve",
    "eliminate", "avoid", "prevent", "accelerate", "faster", "fewer", "less", "lower", "win",
    "protect", "recover", "retain", "retention", "revenue", "profit", "profitable", "margin",
    "roi", "return", "payback", "productivity", "productive", "efficiency", "confidence",
    "confidently", "peace", "compliant", "compliance", "satisfaction", "happier", "loyal",
    "loyalty", "scale", "focus", "free", "freeing", "spend", "stop", "end", "halve", "double",
    "triple", "shorten", "speed", "sooner", "quicker", "close", "ship", "deliver", "hit", "meet",
    "keep", "stay", "gain", "unlock", "capture", "maximize", "maximise", "minimize", "minimise",
    "decrease", "drop", "slash", "shrink", "trim", "outcome", "result", "impact", "value",
    "bottom", "line", "hours", "days", "weeks", "months", "minutes", "time", "money", "budget",
    "customer", "customers", "patient", "patients", "employee", "team", "teams", "business",
}
SPEC = {
    "api", "apis", "sdk", "sdks", "integration", "integrations", "integrate", "plugin",
    "plug-in", "plugins", "encryption", "encrypt", "sso", "saml", "scim", "oauth", "ldap",
    "latency", "uptime", "sla", "dashboard", "dashboards", "module", "modules", "engine",
    "database", "support", "supports", "compatible", "compatibility", "native", "natively",
    "cloud", "kubernetes", "docker", "container", "on-prem", "on-premises", "deploy",
    "deployment", "configurable", "customizable", "customisable", "template", "templates",
    "workflow", "workflows", "automation", "automated", "real-time", "realtime", "analytics",
    "report", "reports", "reporting", "export", "import", "csv", "json", "xml", "pdf", "rest",
    "graphql", "webhook", "webhooks", "connector", "connectors", "open-source", "open",
    "source", "license", "licence", "architecture", "server", "servers", "node", "nodes",
    "cluster", "storage", "tb", "gb", "mb", "ms", "rbac", "role-based", "permission",
    "permissions", "audit", "log", "logs", "logging", "version", "versioning", "backup",
    "mobile", "app", "ios", "android", "browser", "offline", "sync", "multi-tenant", "tenant",
    "region", "regions", "hosting", "hosted", "self-hosted", "certified", "iso", "soc",
    "hipaa", "gdpr", "pci", "fedramp", "aes", "tls", "ssl", "protocol", "format", "formats",
    "field", "fields", "filter", "filters", "search", "tag", "tags", "alert", "alerts",
    "notification", "notifications", "configuration", "setting", "settings", "interface", "ui",
    "cli", "editor", "builder", "drag-and-drop", "widget", "widgets", "chart", "charts",
    "detection", "scanning", "scanner", "tracking", "monitoring", "feature", "features",
    "capability", "capabilities", "tool", "tools", "platform", "suite", "library", "framework",
    "built-in", "out-of-the-box", "pre-built", "prebuilt", "supported", "available",
}
GENERIC_ADJ = {"easy", "easily", "powerful", "seamless", "seamlessly", "simple", "simply",
               "flexible", "robust", "intuitive", "modern", "smart", "intelligent", "advanced",
               "comprehensive", "unified", "lightweight", "scalable", "secure", "reliable",
               "fully", "highly", "enterprise-grade", "best-in-class", "cutting-edge", "rich",
               "fast", "instant", "instantly", "automatic", "automatically"}
LINK_WORDS = {"so", "without", "because", "helping", "help", "helps", "means", "letting",
              "lets", "freeing", "ensuring", "ensure", "ensures", "enable", "enables", "empower",
              "empowers"}
# Company, event and about-us words. Deliberately excludes words with product senses
# ("session", "employee", "community", "partner") that mislead on feature copy.
ABOUT = {"founded", "headquarter", "headquartered", "mission", "vision", "award", "awards",
         "named", "recognized", "recognised", "announce", "announced", "partnership", "hiring",
         "career", "careers", "investor", "investors", "funding", "acquire", "acquired",
         "webinar", "conference", "summit", "speaker", "agenda", "believe", "welcome",
         "introducing", "thank", "booth", "keynote"}
CTA_VERBS = {"learn", "book", "request", "contact", "sign", "try", "download", "watch",
             "subscribe", "register", "schedule", "talk", "get", "start", "join", "read",
             "see", "explore", "discover", "call", "visit", "find"}
SPEC_UNITS = re.compile(
    r"\b\d[\d,.]*\s?(ms|s|sec|gb|tb|mb|kb|k|rps|qps|req/s|requests|events|nodes|regions|"
    r"languages|integrations|connectors|apis?|seats|users|fps|hz|ghz|mbps|gbps|vcpu|cores)\b|"
    r"\b\d+(\.\d+)?\s?%\s?(uptime|availability|sla|accuracy)\b",
    re.IGNORECASE,
)
TIME_UNITS = {"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week",
              "weeks", "month", "months", "year", "years", "quarter", "quarters"}

FEATURE_NAMES: tuple[str, ...] = (
    "second_person", "first_plural", "first_singular", "problem_words", "outcome_words",
    "spec_words", "generic_adjectives", "link_words", "about_words", "has_figure", "percent",
    "multiplier", "currency", "time_span", "figure_near_outcome", "proper_noun_rate",
    "comma_list", "imperative", "question", "has_verb",
    "noun_rate", "log_length", "title_case", "from_to", "not_contrast", "comparative",
    "quote_marks", "negation", "imperative_capability", "imperative_outcome", "short_name",
    "spec_unit", "company_spec", "you_problem",
)


def _token_rows(doc: Any) -> list[tuple[str, str, str, str]]:
    return [(t.text, t.lower_, (t.lemma_ or t.lower_).lower(), t.tag_ or "") for t in doc
            if not t.is_space]


def featurize_doc(doc: Any) -> list[float]:
    """The lexical feature vector of one spaCy Doc (order: FEATURE_NAMES)."""
    rows = _token_rows(doc)
    text = doc.text
    words = [r for r in rows if re.search(r"\w", r[0])]
    n = max(1, len(words))
    lowers = [r[1] for r in words]
    lemmas = [r[2] for r in words]
    tags = [r[3] for r in words]
    bag = set(lowers) | set(lemmas)

    def rate(vocab: set[str]) -> float:
        return sum(1 for lo, le in zip(lowers, lemmas) if lo in vocab or le in vocab) / n

    has_num = any(t == "CD" for t in tags) or bool(re.search(r"\d", text))
    percent = bool(re.search(r"\d\s*%|\bper ?cent\b|\bpercent\b", text, re.I))
    multiplier = bool(re.search(r"\b\d+(\.\d+)?\s*[x\u00d7]\b|\b[x\u00d7]\s?\d+\b|\b(twice|double|triple|half)\b", text, re.I))
    currency = bool(re.search(r"[$\u20ac\u00a3\u00a5]\s?\d|\d\s?(usd|eur|gbp|k|m|bn)\b", text, re.I))
    time_span = any(lo in TIME_UNITS for lo in lowers) and has_num
    outcome_idx = [i for i, (lo, le) in enumerate(zip(lowers, lemmas))
                   if lo in OUTCOME or le in OUTCOME]
    num_idx = [i for i, t in enumerate(tags) if t == "CD"]
    near = any(abs(i - j) <= 5 for i in outcome_idx for j in num_idx)
    propn = sum(1 for t in tags if t in ("NNP", "NNPS")) / n
    commas = text.count(",")
    comma_list = 1.0 if commas >= 2 and propn > 0.2 else min(commas, 4) / 4 * propn
    first_tag = tags[0] if tags else ""
    imperative = 1.0 if first_tag == "VB" or (lemmas and lemmas[0] in OUTCOME and first_tag in ("VB", "VBP", "NN", "NNP")) else 0.0
    question = 1.0 if text.rstrip().endswith("?") else 0.0
    has_verb = 1.0 if any(t.startswith("VB") or t == "MD" for t in tags) else 0.0
    noun_rate = sum(1 for t in tags if t.startswith("NN")) / n
    log_len = math.log1p(len(words)) / math.log(40)
    title_words = [w for w in words if w[0][:1].isalpha()]
    title_case = (sum(1 for w in title_words if w[0][:1].isupper()) / len(title_words)
                  if title_words else 0.0)
    from_to = 1.0 if re.search(r"\bfrom\b.{1,40}\bto\b", text, re.I) and has_num else 0.0
    not_contrast = 1.0 if re.search(r",\s*not\b|\binstead of\b|\brather than\b|\bnot\s+\w+\s*$", text, re.I) else 0.0
    comparative = sum(1 for t in tags if t in ("JJR", "RBR", "JJS", "RBS")) / n
    quote_marks = 1.0 if re.search(r"[\"\u201c\u201d]", text) else 0.0
    negation = 1.0 if bag & {"no", "not", "never", "n't", "without", "stop", "nothing"} else 0.0
    first_lemma = lemmas[0] if lemmas else ""
    outcome_start = first_lemma in OUTCOME or first_lemma in PROBLEM
    imperative_capability = 1.0 if imperative and not outcome_start else 0.0
    imperative_outcome = 1.0 if imperative and outcome_start else 0.0
    short_name = 1.0 if (len(words) <= 4 and not has_verb and title_case >= 0.6
                         and not question) else 0.0
    spec_unit = 1.0 if SPEC_UNITS.search(text) else 0.0
    company_spec = 1.0 if (bag & FIRST_PLURAL) and (bag & SPEC) else 0.0
    you_problem = 1.0 if (bag & SECOND_PERSON) and (bag & PROBLEM) else 0.0
    return [
        rate(SECOND_PERSON), rate(FIRST_PLURAL), rate(FIRST_SINGULAR), rate(PROBLEM),
        rate(OUTCOME), rate(SPEC), rate(GENERIC_ADJ), rate(LINK_WORDS), rate(ABOUT),
        float(has_num), float(percent), float(multiplier), float(currency), float(time_span),
        float(near), propn, comma_list, imperative, question, has_verb,
        noun_rate, log_len, title_case, from_to, not_contrast, comparative, quote_marks,
        negation, imperative_capability, imperative_outcome, short_name, spec_unit,
        company_spec, you_problem,
    ]


def featurize(texts: Sequence[str], nlp: Any) -> np.ndarray:
    """Lexical features for many texts, shape (len(texts), len(FEATURE_NAMES))."""
    if not texts:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    # Sentence boundaries are not features; skip the recogniser when the pipeline has one.
    disable = [name for name in ("senter", "sentencizer") if name in nlp.pipe_names]
    with nlp.select_pipes(disable=disable):
        docs: Iterable[Any] = nlp.pipe(list(texts), batch_size=256)
        return np.asarray([featurize_doc(d) for d in docs], dtype=np.float32)
