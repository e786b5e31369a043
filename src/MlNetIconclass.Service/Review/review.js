// The review page: asks the service for suggestions (suggest-artwork, with explanations), shows each with its
// definition, path and calibrated confidence, and keeps the codes the cataloguer accepts, to save (learn) or export.
"use strict";

const state = {
  projects: [],
  languages: [],
  accepted: new Map(), // notation -> definition, for the artwork on the page
  session: [], // {artwork, notation, definition}: every code accepted this session, for the CSV
  artwork: "", // the text the current suggestions are for
};

const byId = (id) => document.getElementById(id);

function element(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(properties)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

/** A problem document's message, and the field it names. */
async function problemOf(response) {
  try {
    const problem = await response.json();
    return { field: problem.field || "", message: problem.detail || problem.title || response.statusText };
  } catch {
    return { field: "", message: `${response.status} ${response.statusText}` };
  }
}

function clearErrors() {
  for (const error of document.querySelectorAll("#artwork .error")) error.textContent = "";
}

/** Shows a problem next to the field it concerns: a title, the description, the photograph, else under the form. */
function showProblem(problem) {
  const field = problem.field;
  const target =
    field === "image" ? byId("image-error")
    : field.startsWith("title") ? byId("title-0-error")
    : field.startsWith("description") ? byId("description-error")
    : byId("form-error");
  target.textContent = problem.message;
}

function fillLanguages(select, withDetect) {
  select.replaceChildren();
  if (withDetect) select.append(element("option", { value: "auto", textContent: "detect" }));
  for (const language of state.languages) select.append(element("option", { value: language, textContent: language }));
}

async function start() {
  const [vocabs, projects] = await Promise.all([
    fetch("/v1/vocabs").then((r) => r.json()),
    fetch("/v1/projects").then((r) => r.json()),
  ]);
  state.languages = vocabs.vocabs[0].languages;
  state.projects = projects.projects;
  for (const select of document.querySelectorAll("select.languages")) fillLanguages(select, select.dataset.detect === "true");
  const project = byId("project");
  for (const p of state.projects) project.append(element("option", { value: p.project_id, textContent: `${p.project_id}: ${p.name}` }));
  project.addEventListener("change", projectChanged);
  projectChanged();
}

function currentProject() {
  return state.projects.find((p) => p.project_id === byId("project").value);
}

function projectChanged() {
  const project = currentProject();
  if (!project) return;
  byId("title-0-language").value = state.languages.includes(project.language) ? project.language : "auto";
  byId("description-language").value = byId("title-0-language").value;
  byId("label-language").value = project.language;
  byId("save").disabled = !project.accepts_learning;
  byId("retune").disabled = !project.accepts_learning;
  byId("project-note").textContent = !project.accepts_learning
    ? "This project does not learn, so saving is off: the service was started without --allow-learn. "
      + "You can still export the accepted codes as CSV."
    : project.ranks_what_it_learns
      ? "This project learns: saved codes count in its next suggestions."
      : "This project started with no records of its own: saved codes are kept, and count in its suggestions once "
        + "its weights are chosen again for them (below).";
}

async function retune() {
  const status = byId("retune-status");
  const button = byId("retune");
  const project = currentProject();
  button.disabled = true;
  status.textContent = "Choosing the project's weights again…";
  try {
    const response = await fetch(`/v1/projects/${encodeURIComponent(project.project_id)}/retune`, { method: "POST" });
    if (!response.ok) {
      status.textContent = `Not chosen again: ${(await problemOf(response)).message}`;
      return;
    }
    // The project now says whether what it learnt counts.
    state.projects = (await (await fetch("/v1/projects")).json()).projects;
    projectChanged();
    status.textContent = "Chosen again: the project's suggestions weigh what it has learnt.";
  } finally {
    button.disabled = !currentProject().accepts_learning;
  }
}

function addTitle() {
  const titles = byId("titles");
  const n = titles.children.length;
  const row = element("div", { className: "title-row field" },
    element("label", { htmlFor: `title-${n}`, textContent: `Title ${n + 1}` }),
    element("input", { id: `title-${n}`, name: "title", type: "text", autocomplete: "off" }),
    element("label", { htmlFor: `title-${n}-language`, textContent: `Language of title ${n + 1}` }),
    element("select", { id: `title-${n}-language`, name: "title_language", className: "languages" }));
  titles.append(row);
  fillLanguages(row.querySelector("select"), true);
  row.querySelector("input").focus();
}

/** The artwork's texts as the form holds them: [field name, text] pairs for suggest-artwork. */
function texts() {
  const fields = [];
  for (const row of document.querySelectorAll(".title-row")) {
    const text = row.querySelector("input").value.trim();
    if (text) fields.push([`title_${row.querySelector("select").value}`, text]);
  }
  const description = byId("description").value.trim();
  if (description) fields.push([`description_${byId("description-language").value}`, description]);
  return fields;
}

async function suggest(event) {
  event.preventDefault();
  clearErrors();
  const fields = texts();
  const image = byId("image").files[0];
  if (fields.length === 0 && !image) {
    byId("title-0-error").textContent = "Give a title, a description or a photograph.";
    byId("title-0").focus();
    return;
  }
  const form = new FormData();
  for (const [name, text] of fields) form.append(name, text);
  if (image) form.append("image", image);
  const language = byId("label-language").value;
  form.append("limit", "10");
  form.append("threshold", "0");
  form.append("explain", "true");
  form.append("language", language);
  byId("status").textContent = "Suggesting...";
  const project = byId("project").value;
  const response = await fetch(`/v1/projects/${encodeURIComponent(project)}/suggest-artwork`, { method: "POST", body: form });
  if (!response.ok) {
    showProblem(await problemOf(response));
    byId("status").textContent = "No suggestions: see the message by the field.";
    return;
  }
  const results = (await response.json()).results;
  const artwork = fields.map(([, text]) => text).join(" ");
  if (artwork !== state.artwork) state.accepted.clear();
  state.artwork = artwork;
  const infos = await Promise.all(results.map((r) => codeInformation(r.notation, language)));
  byId("suggestions").replaceChildren(...results.map((r, i) => suggestionItem(r, infos[i])));
  byId("status").textContent = `${results.length} codes suggested, most likely first.`;
  renderAccepted();
}

/** A notation's definition and path, or null with the service's problem. */
async function codeInformation(notation, language) {
  const response = await fetch(`/v1/codes/${encodeURIComponent(notation)}?language=${encodeURIComponent(language)}`);
  return response.ok ? { info: await response.json() } : { problem: await problemOf(response) };
}

function definitionOf(result, info) {
  const label = info?.label ?? result.label;
  return info?.fallback ? `${label} [${info.language}]` : label;
}

function suggestionItem(result, { info }) {
  const notation = result.notation;
  const item = element("li", { dataset: { notation } });
  const definition = definitionOf(result, info);
  const heading = element("div", {},
    element("span", { className: "notation", textContent: notation }), " ",
    element("span", { className: "definition", textContent: info?.label ?? result.label }));
  if (info?.fallback)
    heading.append(" ", element("span", { className: "fallback", textContent: `(in English: there is no ${byId("label-language").value} definition)` }));
  item.append(heading);
  if (info) item.append(element("div", { className: "path", textContent: info.path.map((s) => s.notation).join(" > ") }));
  const percent = Math.round(result.score * 100);
  item.append(element("div", { className: "confidence" },
    element("meter", { min: 0, max: 1, value: result.score, "aria-label": `confidence of ${notation}` }),
    element("span", { textContent: `${percent}% likely` })));
  const accept = element("button", { type: "button", className: "secondary accept", textContent: "Accept",
    "aria-pressed": String(state.accepted.has(notation)), "aria-label": `Accept ${notation}` });
  const reject = element("button", { type: "button", className: "secondary reject", textContent: "Reject",
    "aria-pressed": "false", "aria-label": `Reject ${notation}` });
  accept.addEventListener("click", () => decide(item, notation, definition, true));
  reject.addEventListener("click", () => decide(item, notation, definition, false));
  item.append(element("div", {}, accept, reject));
  if (result.explanation) item.append(explanationOf(result.explanation));
  if (state.accepted.has(notation)) item.classList.add("accepted");
  return item;
}

function explanationOf(explanation) {
  const details = element("details", {}, element("summary", { textContent: "Why this code?" }));
  const shares = Object.entries(explanation.shares).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.replace("_", " ")} ${Math.round(v * 100)}%`).join(", ");
  details.append(element("p", { textContent: `Share of the score: ${shares || "none"}.` }));
  if (explanation.voters.length > 0) {
    details.append(element("p", { textContent: "Remembered records that voted for it:" }));
    details.append(element("ul", {}, ...explanation.voters.map((v) =>
      element("li", { textContent: `${v.id}: ${v.title} (${v.memory}, similarity ${v.similarity.toFixed(2)})` }))));
  }
  details.append(element("p", { textContent: explanation.terms.length > 0
    ? `Words found in its definition: ${explanation.terms.join(", ")}.` : "No word of the query is in its definition." }));
  return details;
}

function decide(item, notation, definition, accepted) {
  item.classList.toggle("accepted", accepted);
  item.classList.toggle("rejected", !accepted);
  item.querySelector(".accept").setAttribute("aria-pressed", String(accepted));
  item.querySelector(".reject").setAttribute("aria-pressed", String(!accepted));
  if (accepted) state.accepted.set(notation, definition);
  else state.accepted.delete(notation);
  renderAccepted();
}

function renderAccepted() {
  const list = byId("accepted");
  list.replaceChildren(...[...state.accepted].map(([notation, definition]) => {
    const remove = element("button", { type: "button", className: "secondary", textContent: "Remove",
      "aria-label": `Remove ${notation}` });
    remove.addEventListener("click", () => {
      state.accepted.delete(notation);
      const item = document.querySelector(`#suggestions li[data-notation="${CSS.escape(notation)}"]`);
      if (item) decide(item, notation, definition, false);
      renderAccepted();
    });
    return element("li", { dataset: { notation } }, element("span", { className: "notation", textContent: notation }),
      ` ${definition} `, remove);
  }));
  if (state.accepted.size === 0) list.append(element("li", { textContent: "None yet." }));
}

async function addCode(event) {
  event.preventDefault();
  const input = byId("code");
  const error = byId("code-error");
  error.textContent = "";
  const notation = input.value.trim();
  if (!notation) {
    error.textContent = "Type a notation, such as 25K182.";
    return;
  }
  const { info, problem } = await codeInformation(notation, byId("label-language").value);
  if (!info) {
    error.textContent = problem.message;
    input.focus();
    return;
  }
  state.accepted.set(info.notation, definitionOf({ label: info.label }, info));
  input.value = "";
  renderAccepted();
}

async function save() {
  const status = byId("save-status");
  const project = currentProject();
  if (!project.accepts_learning) {
    status.textContent = "This project does not learn: start the service with --allow-learn to save to it.";
    return;
  }
  const text = texts().map(([, t]) => t).join(" ");
  if (!text || state.accepted.size === 0) {
    status.textContent = "Suggest codes for an artwork with a title or description, and accept at least one, first.";
    return;
  }
  const subjects = [...state.accepted.keys()].map((n) => ({ uri: `http://iconclass.org/${encodeURIComponent(n)}`, label: "" }));
  const response = await fetch(`/v1/projects/${encodeURIComponent(project.project_id)}/learn`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ text, subjects }]),
  });
  if (!response.ok) {
    status.textContent = `Not saved: ${(await problemOf(response)).message}`;
    return;
  }
  for (const [notation, definition] of state.accepted) {
    state.session = state.session.filter((row) => !(row.artwork === text && row.notation === notation));
    state.session.push({ artwork: text, notation, definition });
  }
  status.textContent = `Saved: the project learnt ${state.accepted.size} codes for this artwork.`;
}

function exportCsv() {
  const rows = [...state.session];
  for (const [notation, definition] of state.accepted)
    if (!rows.some((r) => r.artwork === state.artwork && r.notation === notation))
      rows.push({ artwork: state.artwork, notation, definition });
  const quote = (value) => `"${String(value).replaceAll('"', '""')}"`;
  const csv = ["artwork,notation,definition", ...rows.map((r) => [r.artwork, r.notation, r.definition].map(quote).join(","))].join("\r\n");
  const link = element("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: "accepted-codes.csv" });
  document.body.append(link);
  link.click();
  link.remove();
}

byId("artwork").addEventListener("submit", suggest);
byId("add-title").addEventListener("click", addTitle);
byId("add-code").addEventListener("submit", addCode);
byId("save").addEventListener("click", save);
byId("retune").addEventListener("click", retune);
byId("export").addEventListener("click", exportCsv);
renderAccepted();
start();
