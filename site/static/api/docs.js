// A small renderer of the OpenAPI document: operations by tag, parameters, bodies, schemas.
"use strict";

(function () {
  const root = document.getElementById("reference");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) {
      if (child == null) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function resolve(spec, schema) {
    if (schema && schema.$ref) {
      const name = schema.$ref.split("/").pop();
      return [name, spec.components.schemas[name]];
    }
    return [null, schema];
  }

  function typeOf(spec, schema) {
    if (!schema) return "any";
    const [name, resolved] = resolve(spec, schema);
    if (name) return name;
    if (resolved.anyOf) return resolved.anyOf.map((s) => typeOf(spec, s)).join(" | ");
    if (resolved.type === "array") return typeOf(spec, resolved.items) + "[]";
    let type = Array.isArray(resolved.type) ? resolved.type.join(" | ") : resolved.type || "any";
    if (resolved.format) type += " (" + resolved.format + ")";
    if (resolved.enum) type += ": " + resolved.enum.join(", ");
    return type;
  }

  function schemaTable(spec, schema) {
    const [, resolved] = resolve(spec, schema);
    if (!resolved || !resolved.properties) return el("p", {}, el("code", {}, typeOf(spec, schema)));
    const required = new Set(resolved.required || []);
    const rows = Object.entries(resolved.properties).map(([name, prop]) =>
      el("tr", {},
        el("td", prop.deprecated ? { class: "deprecated" } : {}, el("code", {}, name),
          required.has(name) ? " *" : ""),
        el("td", {}, typeOf(spec, prop)),
        el("td", {}, (prop.deprecated ? "Deprecated. " : "") + (prop.description || ""))));
    return el("table", {}, el("tbody", {}, ...rows));
  }

  function operation(spec, path, method, op) {
    const params = (op.parameters || []).map((p) =>
      el("tr", {}, el("td", {}, el("code", {}, p.name), p.required ? " *" : ""),
        el("td", {}, p.in), el("td", {}, typeOf(spec, p.schema)),
        el("td", {}, p.description || "")));
    const body = op.requestBody
      ? Object.entries(op.requestBody.content).map(([type, media]) =>
          el("div", {}, el("h4", {}, "Body: " + type), schemaTable(spec, media.schema)))
      : [];
    const responses = Object.entries(op.responses).map(([status, response]) => {
      const media = response.content && Object.values(response.content)[0];
      return el("tr", {}, el("td", {}, el("code", {}, status)),
        el("td", {}, response.description || ""),
        el("td", {}, media ? typeOf(spec, media.schema) : ""));
    });
    const scopes = (op.security || []).flatMap((s) => Object.values(s).flat());
    return el("details", { class: "op" },
      el("summary", {}, el("span", { class: "method " + method }, method.toUpperCase()),
        el("code", {}, (spec.servers ? spec.servers[0].url : "") + path), " ", op.summary || ""),
      scopes.length ? el("p", {}, "Token scope: ", el("code", {}, scopes.join(", "))) : null,
      params.length ? el("table", {}, el("tbody", {}, ...params)) : null,
      ...body,
      el("h4", {}, "Responses"),
      el("table", {}, el("tbody", {}, ...responses)));
  }

  function render(spec) {
    root.textContent = "";
    root.append(el("p", {}, spec.info.description || ""));
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags || ["other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(spec, path, method, op));
      }
    }
    for (const [tag, ops] of byTag) root.append(el("h2", { id: tag }, tag), ...ops);
    root.append(el("h2", { id: "schemas" }, "Schemas"));
    for (const [name, schema] of Object.entries(spec.components.schemas)) {
      root.append(el("h3", { id: "schema-" + name }, name), schemaTable(spec, schema));
    }
  }

  root.textContent = root.dataset.loading;
  fetch(root.dataset.spec, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(render)
    .catch(() => { root.textContent = root.dataset.failed; });
})();
