// Runs site/static/api/docs.js against a tiny stand-in DOM and the OpenAPI document given
// as argv[3]; prints the text the page would show (tests/api/test_api_openapi.py).
"use strict";
const fs = require("fs");

class Element {
  constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this.dataset = {}; this.text = ""; }
  setAttribute(name, value) { this.attrs[name] = value; }
  append(...children) { this.children.push(...children); }
  set textContent(value) { this.children = []; this.text = value; }
  get textContent() { return this.text + this.children.map((c) => c.textContent).join(" "); }
}

const root = new Element("main");
root.dataset = { spec: "openapi.json", loading: "Loading", failed: "FAILED" };
global.document = {
  getElementById: () => root,
  createElement: (tag) => new Element(tag),
  createTextNode: (data) => ({ textContent: data }),
};
const spec = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
global.fetch = () => Promise.resolve({ ok: true, json: () => Promise.resolve(spec) });
require(process.argv[2]);
setTimeout(() => process.stdout.write(root.textContent), 50);
