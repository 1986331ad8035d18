// The chat page. Everything from the server is put on the page with textContent / DOM nodes, never
// innerHTML: answers quote documents verbatim, and a document may contain markup.
"use strict";
(function () {
  const UI = JSON.parse(document.getElementById("ui-text").textContent);
  const CONFIG = JSON.parse(document.getElementById("app-config").textContent);
  const conversation = document.getElementById("conversation");
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const askButton = document.getElementById("ask-button");
  let lang = initialLang();
  const PHONE = window.matchMedia("(max-width: 600px)");
  let busy = false;

  // ---------------------------------------------------------------- language

  function initialLang() {
    try {
      const saved = localStorage.getItem("lang");
      if (saved && UI[saved]) return saved;
    } catch (e) { /* storage may be disabled */ }
    return UI[document.documentElement.lang] ? document.documentElement.lang : "ja";
  }

  function t(key) {
    return (UI[lang] && UI[lang][key]) || UI.en[key] || key;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    }
    for (const node of document.querySelectorAll("[data-i18n-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    }
    for (const b of document.querySelectorAll("[data-lang]")) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    }
    document.title = t("title");
    if (typeof renderReview === "function") renderReview();
  }

  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      lang = b.dataset.lang;
      try { localStorage.setItem("lang", lang); } catch (e) { /* ignore */ }
      applyLang();
    });
  }

  // The skip link (the page's first Tab stop) puts the caret in the question box, not only the view on it.
  const skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      input.focus();
      input.scrollIntoView({ block: "nearest" });
    });
  }

  // ---------------------------------------------------------------- DOM helpers

  // el("p", {class: "x", text: "shown as text"}, [child, "text child"]): strings become Text nodes.
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key === "i18n") { node.dataset.i18n = value; node.textContent = t(value); }
      else if (key === "placeholderKey") { node.dataset.i18nPlaceholder = value; node.placeholder = t(value); }
      else node.setAttribute(key, String(value));
    }
    for (const child of [].concat(children || [])) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  // The link names the document as people are shown it (its path inside the corpus folder, which the
  // server maps back to the document): never the server's absolute path, which `source` may hold.
  function sourceUrl(c) {
    const path = String(c.source_name || c.source).split("/").map(encodeURIComponent).join("/");
    return "/source/" + path + "?start=" + Number(c.start) + "&end=" + Number(c.end) + "#p";
  }

  function detailOf(data, res) {
    if (data && typeof data.detail === "string") return data.detail;
    if (data && data.detail !== undefined) return JSON.stringify(data.detail);
    return res.status + " " + res.statusText;
  }

  async function readJson(res) {
    try { return await res.json(); } catch (e) { return null; }
  }

  // ---------------------------------------------------------------- answer cards

  // The label's bands are the server's own cuts (CONFIG.answerAt: answered from there; CONFIG.reviewAt: a
  // candidate to review from there), and never claim more than the outcome: an answer not given is never
  // "high", and "not documented" is "low".
  function confidenceLevel(value, status) {
    const level = value >= CONFIG.answerAt ? "high" : value >= CONFIG.reviewAt ? "medium" : "low";
    if (status === "not documented") return "low";
    if (status !== "answered" && level === "high") return "medium";
    return level;
  }

  function confidenceMeter(conf, status) {
    const value = Math.max(0, Math.min(1, Number(conf) || 0));
    const pct = Math.round(value * 100);
    const level = confidenceLevel(value, status);
    const fill = el("span", { class: "meter-fill" });
    fill.style.width = pct + "%";
    return el("div", { class: "confidence level-" + level }, [
      el("span", { class: "conf-label", i18n: "confidence" }),
      el("span", {
        class: "meter", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": pct,
      }, [fill]),
      el("span", { class: "conf-value", text: pct + "%" }),
      el("span", { class: "conf-level", i18n: "conf_" + level }),
    ]);
  }

  function crumbs(section) {
    if (!section || !section.length) return null;
    return el("ol", { class: "crumbs", "aria-label": "section" }, section.map((s) => el("li", { text: s })));
  }

  function citationBlock(c, kind) {
    const url = sourceUrl(c);
    // the document as people are shown it (the server's name for it: never its absolute path), which the
    // link opens it by
    const name = c.source_name || c.source;
    const sourceLine = el("p", { class: "cite-source" }, [
      el("span", { class: "label", i18n: "source" }), " ",
      el("a", {
        class: "source-link", href: url, target: "_blank", rel: "noopener", title: name,
        text: c.title || name,
      }),
      c.title ? el("code", { class: "source-path", text: name }) : null,
      c.as_of ? el("span", { class: "as-of" }, [el("span", { class: "label", i18n: "as_of" }), " ", c.as_of]) : null,
      c.page ? el("span", { class: "where" }, [el("span", { class: "label", i18n: "page" }), " ", String(c.page)]) : null,
      c.sheet ? el("span", { class: "where" }, [el("span", { class: "label", i18n: "sheet" }), " ", c.sheet]) : null,
      c.row ? el("span", { class: "where" }, [el("span", { class: "label", i18n: "row" }), " ", String(c.row)]) : null,
      c.asked ? el("span", { class: "where asked" }, [el("span", { class: "label", i18n: "asked" }), " ", c.asked]) : null,
    ]);
    return el("figure", { class: "citation citation-" + kind }, [
      el("blockquote", { class: "quote", cite: url }, [el("p", { text: c.quote })]),
      // a quote that stops where its page was cut off says so (the rest of the sentence is in no document)
      c.cut_off ? el("p", { class: "cut-off", role: "note", i18n: "cut_off" }) : null,
      el("figcaption", { class: "cite-meta" }, [crumbs(c.section), sourceLine]),
    ]);
  }

  // Plain text for a questionnaire cell, in the question's language (its sentences from the catalog).
  // `chosen` is a passage the person took as the answer ("use this passage"): it is copied as documented.
  // Where the quote is comes from the server (c.location, worded as `assistant ask` and the filled sheet
  // word it: section, document, page or sheet and row, the question a check-sheet row answered, date).
  function cellText(a, chosen) {
    const T = UI[a.lang] || UI.en;
    const c = chosen || (a.citations || [])[0];
    const where = () => c.location || c.source_name || "";
    if (!chosen && a.status === "needs review" && c) {
      // a candidate is copied as a candidate: never "not documented" over a likely passage
      return format(T.cell_candidate, { quote: c.quote, location: where() });
    }
    if (!chosen && (!a.answered || !c)) return T.cell_not_documented;
    // yes / no only for the assistant's own answer: a passage a person chose is theirs to judge
    const yesNo = !chosen && a.verdict && a.verdict !== "unclear" ? T["verdict_" + a.verdict] + "\n" : "";
    return yesNo + format(T.cell_documented, { quote: c.quote, location: where() });
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back */ }
    }
    const area = el("textarea", { class: "clip", readonly: "", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  function actions(a, editor) {
    const copyButton = el("button", { type: "button", class: "copy", i18n: "copy" });
    const status = el("p", { class: "fb-status", role: "status" });
    copyButton.addEventListener("click", async () => {
      const ok = await copyText(editor.value);
      copyButton.dataset.i18n = ok ? "copied" : "copy_failed";
      copyButton.textContent = t(copyButton.dataset.i18n);
      copyButton.classList.toggle("done", ok);
      setTimeout(() => {
        copyButton.dataset.i18n = "copy";
        copyButton.textContent = t("copy");
        copyButton.classList.remove("done");
      }, 2000);
    });

    const comment = el("input", {
      type: "text", class: "fb-comment", maxlength: 2000, placeholderKey: "comment_placeholder",
      "aria-label": "comment",
    });
    const helpful = el("button", { type: "button", class: "fb fb-helpful", "data-verdict": "helpful", i18n: "helpful" });
    const wrong = el("button", { type: "button", class: "fb fb-wrong", "data-verdict": "wrong", i18n: "wrong" });
    for (const button of [helpful, wrong]) {
      button.addEventListener("click", () => sendFeedback(a, button, [helpful, wrong, comment], comment, status));
    }
    const edit = el("details", { class: "edit-copy" }, [
      el("summary", { i18n: "edit_copy" }),
      el("label", { class: "edit-copy-label" }, [el("span", { i18n: "edit_copy_label" }), editor]),
    ]);
    return el("footer", { class: "answer-actions" }, [
      copyButton,
      edit,
      el("div", { class: "feedback" }, [comment, helpful, wrong]),
      status,
    ]);
  }

  async function sendFeedback(a, button, controls, comment, status) {
    const c = (a.citations || [])[0];
    const body = {
      // The answer by the id the server signed: it records what it answered, not what the page says.
      question: a.question, answer_id: a.answer_id, passage_id: c ? c.passage_id : null,
      verdict: button.dataset.verdict, comment: comment.value.trim(),
    };
    controls.forEach((x) => { x.disabled = true; });
    try {
      const res = await fetch(apiUrl("/api/feedback"), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (res.ok) {
        button.setAttribute("aria-pressed", "true");
        status.dataset.i18n = "feedback_thanks";
        status.textContent = t("feedback_thanks");
        status.className = "fb-status ok";
        return;
      }
      const data = await readJson(res);
      status.removeAttribute("data-i18n");
      status.textContent = t("feedback_failed") + ": " + detailOf(data, res);
    } catch (e) {
      status.textContent = t("feedback_failed") + ": " + t("network_error");
    }
    status.className = "fb-status error";
    controls.forEach((x) => { x.disabled = false; });
  }

  // "Use this passage": the person takes a shown passage as the answer; what is copied follows.
  function usable(block, a, c, editor, card) {
    const button = el("button", { type: "button", class: "use-passage", i18n: "use_passage", "aria-pressed": "false" });
    button.addEventListener("click", () => {
      for (const other of card.querySelectorAll("button.use-passage")) {
        other.setAttribute("aria-pressed", "false");
        other.dataset.i18n = "use_passage";
        other.textContent = t("use_passage");
      }
      button.setAttribute("aria-pressed", "true");
      button.dataset.i18n = "using_passage";
      button.textContent = t("using_passage");
      editor.value = cellText(a, c);
    });
    block.querySelector(".cite-meta").append(button);
    return block;
  }

  function answerCard(a) {
    const answered = !!a.answered;
    const cites = a.citations || [];
    // what is copied is for the questionnaire, in the question's language (a.lang), whatever the page's
    const editor = el("textarea", { class: "edit-copy-text", rows: 4, lang: a.lang || "en" });
    editor.value = cellText(a);
    const review = !answered && a.status === "needs review" && cites.length > 0;
    const card = el("section", {
      class: "answer " + (answered ? "is-answered" : review ? "is-review" : "is-unanswered"), "data-status": a.status || "",
    });
    card.append(el("header", { class: "answer-head" }, [
      el("span", { class: "badge", i18n: answered ? "documented" : review ? "needs_review" : "not_documented" }),
      a.verdict && answered ? el("span", { class: "verdict verdict-" + a.verdict, i18n: "verdict_" + a.verdict }) : null,
      confidenceMeter(a.confidence, a.status || (answered ? "answered" : "not documented")),
    ]));
    if (review) {
      card.append(el("h3", { class: "candidate-title", i18n: "candidate" }));
      card.append(usable(citationBlock(cites[0], "candidate"), a, cites[0], editor, card));
      const reasons = (a.review_reasons || []).map((code) => el("li", { i18n: "reason_" + code }));
      if (reasons.length) {
        card.append(el("div", { class: "why-review" }, [el("span", { i18n: "why_review" }), el("ul", null, reasons)]));
      }
      if (a.missing_terms && a.missing_terms.length) {
        card.append(el("p", { class: "missing" }, [
          el("span", { i18n: "missing_terms" }), ": ", a.missing_terms.join(", "),
        ]));
      }
      if (cites.length > 1) {
        const more = el("details", { class: "more" }, [
          el("summary", null, [el("span", { i18n: "other_passages" }), " (" + (cites.length - 1) + ")"]),
        ]);
        for (const c of cites.slice(1)) more.append(usable(citationBlock(c, "secondary"), a, c, editor, card));
        card.append(more);
      }
    } else if (answered && cites.length) {
      card.append(citationBlock(cites[0], "primary"));
      if (cites.length > 1) {
        const more = el("details", { class: "more" }, [
          el("summary", null, [el("span", { i18n: "other_passages" }), " (" + (cites.length - 1) + ")"]),
        ]);
        for (const c of cites.slice(1)) more.append(usable(citationBlock(c, "secondary"), a, c, editor, card));
        card.append(more);
      }
    } else {
      // The outcome's fixed sentence (answer.not_documented), like the badge and every label, in the
      // page's language; a.answer says the same in the question's language, which is what is copied.
      card.append(el("p", { class: "answer-text", i18n: "answer_not_documented" }));
      if (a.missing_terms && a.missing_terms.length) {
        card.append(el("p", { class: "missing" }, [
          el("span", { i18n: "missing_terms" }), ": ", a.missing_terms.join(", "),
        ]));
      }
      if (cites.length) {
        // folded on a phone, so that a not-documented card fits one screen
        const related = el("details", { class: "related" }, [
          el("summary", { class: "related-title" }, [el("span", { i18n: "related" }), " (" + cites.length + ")"]),
        ]);
        related.open = !PHONE.matches;
        for (const c of cites) related.append(usable(citationBlock(c, "related"), a, c, editor, card));
        card.append(related);
      }
    }
    card.append(actions(a, editor));
    return card;
  }

  function errorCard(message) {
    return el("section", { class: "answer is-error", role: "alert" }, [
      el("header", { class: "answer-head" }, [el("span", { class: "badge", i18n: "error" })]),
      el("p", { class: "answer-text", text: message }),
    ]);
  }

  // ---------------------------------------------------------------- asking

  // the question's own faults, said under the box before anything is sent or echoed
  const askError = el("p", { class: "ask-error", id: "ask-error", role: "alert", hidden: true });
  form.append(askError);

  function questionFault(question) {
    if (!question) return t("question_empty");
    if (question.length > CONFIG.maxQuestionChars) {
      return format(t("question_too_long"), { length: question.length, limit: CONFIG.maxQuestionChars });
    }
    return "";
  }

  function showFault(message) {
    askError.textContent = message;
    askError.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    if (message) input.setAttribute("aria-describedby", "ask-error"); else input.removeAttribute("aria-describedby");
  }

  input.addEventListener("input", () => { if (!askError.hidden) showFault(""); });

  async function ask(question) {
    question = (question || "").trim();
    if (busy) { input.focus(); return; }
    const fault = questionFault(question);
    showFault(fault);
    if (fault) { input.focus(); return; }
    busy = true;
    askButton.disabled = true;
    // on a phone the examples fold away after the first question (the label opens them again)
    const examples = document.getElementById("examples");
    if (examples && PHONE.matches) examples.open = false;
    const empty = document.getElementById("empty");
    if (empty) empty.remove();
    const pending = el("div", { class: "answer pending", role: "status" }, [el("span", { i18n: "thinking" })]);
    const turn = el("article", { class: "turn" }, [
      el("div", { class: "bubble" }, [el("span", { class: "who", i18n: "you" }), el("p", { class: "q", text: question })]),
      pending,
    ]);
    conversation.append(turn);
    turn.scrollIntoView({ block: "nearest" });
    try {
      const res = await fetch(apiUrl("/api/ask"), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ question }),
      });
      const data = await readJson(res);
      if (res.ok && data) {
        pending.replaceWith(answerCard(data));
        if (input.value.trim() === question) input.value = "";
      } else {
        pending.replaceWith(errorCard(detailOf(data, res)));
      }
    } catch (e) {
      pending.replaceWith(errorCard(t("network_error")));
    } finally {
      busy = false;
      askButton.disabled = false;
      turn.scrollIntoView({ block: "nearest" });
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(input.value);
  });

  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that confirms a Japanese IME conversion does nothing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      input.value = button.textContent;
      ask(button.textContent);
    });
  }

  // ---------------------------------------------------------------- questionnaire upload

  const fillForm = document.getElementById("fill-form");
  const fillInput = document.getElementById("fill-file");
  const fillStatus = document.getElementById("fill-status");

  function filenameFrom(disposition) {
    if (!disposition) return null;
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) {
      try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ }
    }
    const plain = /filename="([^"]+)"/i.exec(disposition);
    return plain ? plain[1] : null;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  function setFillStatus(kind, children) {
    fillStatus.className = "fill-status " + kind;
    fillStatus.replaceChildren(...children);
  }

  fillForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fillInput.files && fillInput.files[0];
    if (!file) { setFillStatus("error", [t("fill_choose")]); return; }
    if (file.size > CONFIG.maxUploadBytes) {
      setFillStatus("error", [format(t("fill_too_large"), { limit: CONFIG.maxUploadText })]);
      return;
    }
    const button = fillForm.querySelector("button[type=submit]");
    button.disabled = true;
    setFillStatus("working", [t("fill_working")]);
    try {
      const body = new FormData();
      body.append("file", file);
      const column = document.getElementById("fill-column");
      if (column && column.value.trim()) body.append("column", column.value.trim());
      const res = await fetch(apiUrl("/api/fill"), { method: "POST", body });
      if (!res.ok) {
        const data = await readJson(res);
        setFillStatus("error", [t("error") + ": " + detailOf(data, res)]);
        return;
      }
      const blob = await res.blob();
      const name = filenameFrom(res.headers.get("Content-Disposition")) || "filled-" + file.name;
      const link = el("a", { href: URL.createObjectURL(blob), download: name, class: "download", text: name });
      let summary = null;
      try { summary = JSON.parse(res.headers.get("X-Fill-Summary") || "null"); } catch (e) { summary = null; }
      setFillStatus("ok", [
        t("fill_done") + ": ", link,
        summary ? el("span", { class: "summary", text: format(t("fill_summary"), summary) }) : null,
      ].filter(Boolean));
      link.click();
    } catch (e) {
      setFillStatus("error", [t("network_error")]);
    } finally {
      button.disabled = false;
    }
  });

  // ---------------------------------------------------------------- questionnaire review

  // Upload -> a job answered in the background (polled for progress) -> a preview where each row is
  // accepted, rejected, edited or given another candidate -> the file exported with those decisions.
  const reviewButton = document.getElementById("fill-review");
  const progressBox = document.getElementById("review-progress");
  const progressBar = document.getElementById("review-bar");
  const progressText = document.getElementById("review-progress-text");
  const reviewPanel = document.getElementById("review");
  const reviewRows = document.getElementById("review-rows");
  const reviewStatus = document.getElementById("review-status");
  const downloadButton = document.getElementById("review-download");
  const choiceSelects = [...reviewPanel.querySelectorAll("select[data-choice]")];
  const STATUS_KEYS = {
    "answered": "status_answered", "needs review": "status_needs_review",
    "not documented": "status_not_documented", "skipped": "status_skipped",
  };
  const ACTIONS = ["accept", "reject", "edit", "pick"];
  let review = null; // {file, jobId, preview, decisions: {row: {action, value, remarks, passage_id}}}
  let reviewRun = 0; // a newer upload makes an older poll stop

  function apiUrl(path) {
    return path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang);
  }

  function setStatus(node, kind, children) {
    node.className = "fill-status " + kind;
    node.replaceChildren(...children);
  }

  function showProgress(done, total) {
    progressBox.hidden = false;
    progressBar.max = Math.max(1, total);
    progressBar.value = done;
    progressText.textContent = format(t("review_progress"), { done: done, total: total });
  }

  async function startReview(file, choices) {
    const run = ++reviewRun;
    const body = new FormData();
    body.append("file", file);
    const column = document.getElementById("fill-column");
    if (!choices && column && column.value.trim()) body.append("column", column.value.trim());
    for (const [key, value] of Object.entries(choices || {})) {
      if (value) body.append(key, value);
    }
    setStatus(fillStatus, "working", [choices ? t("review_rechoosing") : t("fill_working")]);
    reviewButton.disabled = true;
    choiceSelects.forEach((s) => { s.disabled = true; });
    try {
      const res = await fetch(apiUrl("/api/fill/jobs"), { method: "POST", body });
      const data = await readJson(res);
      if (res.status !== 202) {
        setStatus(fillStatus, "error", [t("error") + ": " + detailOf(data, res)]);
        return;
      }
      const old = review && review.jobId;
      showProgress(0, 0);
      const status = await poll(data.status_url, run);
      if (!status) return;
      if (old) fetch(apiUrl("/api/fill/jobs/" + encodeURIComponent(old)), { method: "DELETE" }).catch(() => {});
      review = { file: file, jobId: data.job_id, preview: status.preview, decisions: {} };
      progressBox.hidden = true;
      setStatus(fillStatus, "ok", []);
      setStatus(reviewStatus, "ok", []);
      reviewPanel.hidden = false;
      renderReview();
    } catch (e) {
      setStatus(fillStatus, "error", [t("network_error")]);
    } finally {
      reviewButton.disabled = false;
      choiceSelects.forEach((s) => { s.disabled = false; });
    }
  }

  async function poll(url, run) {
    for (;;) {
      if (run !== reviewRun) return null;
      const res = await fetch(apiUrl(url), { cache: "no-store" });
      const data = await readJson(res);
      if (!res.ok || !data) {
        progressBox.hidden = true;
        setStatus(fillStatus, "error", [t("error") + ": " + detailOf(data, res)]);
        return null;
      }
      showProgress(data.done, data.total);
      if (data.state === "ready") return data;
      if (data.state === "failed") {
        progressBox.hidden = true;
        setStatus(fillStatus, "error", [t("error") + ": " + (data.error || "")]);
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  }

  function fillSelect(select, values, current, allowNone) {
    const options = [];
    if (allowNone) options.push(el("option", { value: "", text: t("review_none") }));
    for (const v of values) options.push(el("option", { value: v, text: v }));
    select.replaceChildren(...options);
    select.value = current || "";
  }

  function decisionOf(row) {
    return review.decisions[row.row] || { action: "accept" };
  }

  function candidateLabel(c) {
    const quote = c.quote.length > 80 ? c.quote.slice(0, 80) + "…" : c.quote;
    return format(t("review_candidate_option"), { score: Math.round(Number(c.score) * 100) + "%", quote: quote });
  }

  function pickDefault(row, d) {
    // a pick starts at the runner-up: the first candidate is what "accept" already takes
    if (d.passage_id === undefined && row.candidates.length) {
      d.passage_id = (row.candidates[1] || row.candidates[0]).passage_id;
    }
  }

  function editorFor(row, d) {
    const box = el("div", { class: "review-editor" });
    if (d.action === "edit") {
      let valueInput;
      if (row.options && row.options.length) {
        valueInput = el("select", { "aria-label": format(t("review_value_label"), { row: row.row }), class: "review-value" },
          [el("option", { value: "", text: t("review_empty_value") })].concat(row.options.map((o) => el("option", { value: o, text: o }))));
      } else {
        valueInput = el("input", { type: "text", maxlength: 1000, class: "review-value",
          "aria-label": format(t("review_value_label"), { row: row.row }) });
      }
      valueInput.value = d.value !== undefined ? d.value : (row.value || "");
      valueInput.addEventListener("input", () => { d.value = valueInput.value; });
      valueInput.addEventListener("change", () => { d.value = valueInput.value; });
      const remarks = el("textarea", { rows: 2, maxlength: 4000, class: "review-remarks",
        "aria-label": format(t("review_remarks_label"), { row: row.row }) });
      remarks.value = d.remarks !== undefined ? d.remarks : (row.remarks || "");
      remarks.addEventListener("input", () => { d.remarks = remarks.value; });
      d.value = valueInput.value;
      d.remarks = remarks.value;
      box.append(valueInput, remarks);
    } else if (d.action === "pick") {
      const pick = el("select", { class: "review-pick", "aria-label": format(t("review_pick_label"), { row: row.row }) },
        row.candidates.map((c) => el("option", { value: String(c.passage_id), text: candidateLabel(c) })));
      pickDefault(row, d);
      pick.value = String(d.passage_id);
      pick.addEventListener("change", () => { d.passage_id = Number(pick.value); renderReview(); });
      box.append(pick);
    }
    return box;
  }

  function quoteCell(row, d) {
    let c = row.candidates[0];
    if (d.action === "pick") c = row.candidates.find((x) => x.passage_id === d.passage_id) || c;
    // a rejected row keeps its quote in sight (dimmed): the export keeps it too, said to be rejected
    if (!c || (row.status === "not documented" && d.action !== "pick")) return el("td", { class: "review-quote" });
    return el("td", { class: "review-quote" }, [
      el("blockquote", { class: "quote", text: c.quote }),
      el("span", { class: "muted cite-location", text: c.location }),
    ]);
  }

  function renderReview() {
    if (!review || reviewPanel.hidden) return;
    const p = review.preview;
    fillSelect(choiceSelects[0], p.sheets, p.sheet, false);
    fillSelect(choiceSelects[1], p.headers, p.column, false);
    fillSelect(choiceSelects[2], p.headers, p.answer_column, !p.answer_column);
    fillSelect(choiceSelects[3], p.headers, p.remarks_column, !p.remarks_column);
    const rows = p.rows.map((row) => {
      const d = decisionOf(row);
      const action = el("select", { class: "review-action", "aria-label": format(t("review_decision_label"), { row: row.row }) },
        ACTIONS.filter((a) => a !== "pick" || row.candidates.length > 0)
          .map((a) => el("option", { value: a, text: t("action_" + a) })));
      action.value = d.action;
      action.addEventListener("change", () => {
        review.decisions[row.row] = { action: action.value };
        renderReview();
        const again = reviewRows.querySelector('tr[data-row="' + row.row + '"] .review-action');
        if (again) again.focus();
      });
      // what the answer cell will hold: for a pick, the picked passage's own value (a passage about something
      // else can still read as a yes), shown before the sheet is downloaded
      if (d.action === "pick") pickDefault(row, d);
      const chosen = d.action === "pick" ? row.candidates.find((x) => x.passage_id === d.passage_id) : null;
      const value = d.action === "reject" ? t("review_empty_value")
        : (d.action === "accept" ? (row.value || t("review_empty_value"))
          : (chosen ? (chosen.value || t("review_empty_value")) : ""));
      const verdict = row.verdict ? el("span", { class: "verdict", text: t("verdict_" + row.verdict) }) : null;
      const tr = el("tr", { class: "review-row status-" + row.status.replace(/ /g, "-") + " decision-" + d.action,
                            "data-row": row.row }, [
        el("td", { class: "review-n", text: row.row }),
        el("td", { class: "review-q", text: row.question }),
        el("td", { class: "review-outcome" }, [
          el("span", { class: "badge", text: t(STATUS_KEYS[row.status] || "status_skipped") }),
          row.needs_review && row.status === "answered" ? el("span", { class: "badge flag", text: t("status_needs_review") }) : null,
          verdict]),
        el("td", { class: "review-v" }, [value ? el("span", { class: "review-proposed", text: value }) : null,
          row.kept && d.action === "accept" ? el("span", { class: "muted review-kept", text: t("review_kept") }) : null,
          editorFor(row, d)]),
        quoteCell(row, d),
        el("td", { class: "review-d" }, [action]),
      ]);
      if (d.action === "accept" || d.action === "reject") review.decisions[row.row] = d;
      return tr;
    });
    reviewRows.replaceChildren(...rows);
  }

  reviewButton.addEventListener("click", () => {
    const file = fillInput.files && fillInput.files[0];
    if (!file) { setFillStatus("error", [t("fill_choose")]); return; }
    if (file.size > CONFIG.maxUploadBytes) {
      setFillStatus("error", [format(t("fill_too_large"), { limit: CONFIG.maxUploadText })]);
      return;
    }
    reviewPanel.hidden = true;
    review = null;
    startReview(file, null);
  });

  for (const select of choiceSelects) {
    select.addEventListener("change", () => {
      if (!review) return;
      const p = review.preview;
      const choices = select.dataset.choice === "sheet" ? { sheet: select.value } : {
        sheet: p.sheet,
        column: choiceSelects[1].value,
        answer_column: choiceSelects[2].value,
        remarks_column: choiceSelects[3].value,
      };
      if (choices.answer_column === choices.column) delete choices.answer_column;
      if (choices.remarks_column === choices.column || choices.remarks_column === choices.answer_column) delete choices.remarks_column;
      startReview(review.file, choices);
    });
  }

  downloadButton.addEventListener("click", async () => {
    if (!review) return;
    const rows = Object.entries(review.decisions).map(([row, d]) => {
      const out = { row: Number(row), action: d.action };
      if (d.action === "edit") { out.value = d.value || ""; out.remarks = d.remarks || ""; }
      if (d.action === "pick") out.passage_id = d.passage_id;
      return out;
    });
    downloadButton.disabled = true;
    try {
      const res = await fetch(apiUrl("/api/fill/jobs/" + encodeURIComponent(review.jobId) + "/export"), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rows }),
      });
      if (!res.ok) {
        const data = await readJson(res);
        setStatus(reviewStatus, "error", [t("error") + ": " + detailOf(data, res)]);
        return;
      }
      const blob = await res.blob();
      const name = filenameFrom(res.headers.get("Content-Disposition")) || "filled-" + review.file.name;
      const link = el("a", { href: URL.createObjectURL(blob), download: name, class: "download", text: name });
      let summary = null;
      try { summary = JSON.parse(res.headers.get("X-Fill-Summary") || "null"); } catch (e) { summary = null; }
      setStatus(reviewStatus, "ok", [t("review_downloaded") + " ", link,
        summary ? el("span", { class: "summary", text: format(t("review_counts"), summary) }) : null].filter(Boolean));
      link.click();
    } catch (e) {
      setStatus(reviewStatus, "error", [t("network_error")]);
    } finally {
      downloadButton.disabled = false;
    }
  });

  applyLang();
})();
