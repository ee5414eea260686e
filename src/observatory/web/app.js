// observatory dashboard: filters, canvas map with grid-clustered markers, timeline brush, event table
// and detail view. Every value from the API is untrusted: the DOM is built with createElement and
// textContent only, never innerHTML, and text is shown without bidirectional controls (see shown()).
"use strict";

(() => {
  const PAGE_SIZE = 50;
  const TILE = 256;            // world size in pixels at zoom 0 (Web Mercator)
  const MIN_ZOOM = 0;
  const MAX_ZOOM = 12;
  const CLUSTER_PX = 44;       // grid cell size in screen pixels
  const MAX_LAT = 85.0511;
  const TYPE_COLOURS = {
    ASSAULT: "#d7301f", COERCE: "#7b3294", PROTEST: "#1f78b4", THREATEN: "#ff7f00", MOBILIZE: "#a6761d",
    SANCTION: "#666666", REJECT: "#e7298a", ACCUSE: "#fb9a99", REQUEST: "#b2df8a", RETREAT: "#66a61e",
    AID: "#1b9e77", COOPERATE: "#33a02c", CONCEDE: "#a6cee3", SUPPORT: "#80b1d3", CONSULT: "#bebada",
    AGREE: "#8dd3c7",
  };
  const FILTER_FIELDS = ["plover_type", "acled_event_type", "actor", "country", "status", "q"];

  const $ = (id) => document.getElementById(id);
  const state = {
    filters: { status: "occurred" },
    since: null,
    until: null,
    offset: 0,
    total: 0,
    selected: null,
    token: sessionStorage.getItem("observatory-token") || "",
  };

  // ---------- DOM helpers ----------
  // Bidirectional control characters (Unicode Bidi_Control: the overrides U+202D/U+202E, embeddings,
  // isolates, marks) in article text can reverse how the text around them reads, so that "\u202Eecilop"
  // shows as "police". They are dropped from what the page shows; the API's text and offsets keep them.
  const BIDI_CONTROLS = /\p{Bidi_Control}/gu;

  function shown(value) {
    return String(value).replace(BIDI_CONTROLS, "");
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (key === "className") node.className = value;
        else if (key === "text") node.textContent = shown(value);
        else if (key === "dataset") Object.assign(node.dataset, value);
        else node.setAttribute(key, value);
      }
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(shown(child)));
    }
    return node;
  }

  function showError(message) {
    $("status-line").textContent = shown(message || "");
  }

  function typeColour(type) {
    return TYPE_COLOURS[type] || "#444444";
  }

  // ---------- API ----------
  function queryString(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") search.set(key, value);
    }
    return search.toString();
  }

  function filterParams({ withDates = true } = {}) {
    const params = {};
    for (const field of FILTER_FIELDS) params[field] = state.filters[field];
    if (withDates) {
      params.since = state.since;
      params.until = state.until;
    }
    return params;
  }

  // Only the answer to the latest request of each kind is used: filters can change while one is on its way.
  const latestRequest = {};
  async function latest(kind, path, params) {
    const id = (latestRequest[kind] || 0) + 1;
    latestRequest[kind] = id;
    const body = await api(path, params);
    return id === latestRequest[kind] ? body : null;
  }

  async function api(path, params) {
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    const response = await fetch(path + (params ? "?" + queryString(params) : ""), { headers });
    if (response.status === 401) {
      $("token-box").hidden = false;
      throw new Error("This server needs an API token.");
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : "HTTP " + response.status);
    return body;
  }

  // ---------- map ----------
  const map = {
    canvas: $("map"),
    zoom: 1.5,
    centre: { x: 0.5, y: 0.5 }, // normalised Web Mercator coordinates, 0..1
    basemap: [],                // [{ring: Float32Array(x0,y0,x1,y1,...), box:[minx,miny,maxx,maxy]}]
    clusters: [],
    drawn: [],
    level: null,
  };

  function project(lon, lat) {
    const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    const sin = Math.sin((clamped * Math.PI) / 180);
    return {
      x: (lon + 180) / 360,
      y: 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI),
    };
  }


  function worldSize() {
    return TILE * Math.pow(2, map.zoom);
  }

  function toScreen(p) {
    const size = worldSize();
    const { width, height } = cssSize(map.canvas);
    return { x: (p.x - map.centre.x) * size + width / 2, y: (p.y - map.centre.y) * size + height / 2 };
  }

  function toWorld(sx, sy) {
    const size = worldSize();
    const { width, height } = cssSize(map.canvas);
    return { x: map.centre.x + (sx - width / 2) / size, y: map.centre.y + (sy - height / 2) / size };
  }

  function cssSize(canvas) {
    return { width: canvas.clientWidth, height: canvas.clientHeight };
  }

  function fitCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = cssSize(canvas);
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  function clampCentre() {
    const { width, height } = cssSize(map.canvas);
    const size = worldSize();
    const halfX = Math.min(0.5, width / 2 / size);
    const halfY = Math.min(0.5, height / 2 / size);
    map.centre.x = Math.max(halfX, Math.min(1 - halfX, map.centre.x));
    map.centre.y = Math.max(halfY, Math.min(1 - halfY, map.centre.y));
  }

  async function loadBasemap() {
    const response = await fetch("/static/world.geojson");
    const geojson = await response.json();
    const rings = [];
    for (const feature of geojson.features) {
      const geometry = feature.geometry;
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      for (const polygon of polygons) {
        for (const ring of polygon) {
          const flat = new Float32Array(ring.length * 2);
          const box = [1, 1, 0, 0];
          ring.forEach(([lon, lat], i) => {
            const p = project(lon, lat);
            flat[2 * i] = p.x;
            flat[2 * i + 1] = p.y;
            box[0] = Math.min(box[0], p.x); box[1] = Math.min(box[1], p.y);
            box[2] = Math.max(box[2], p.x); box[3] = Math.max(box[3], p.y);
          });
          rings.push({ ring: flat, box });
        }
      }
    }
    map.basemap = rings;
    drawMap();
  }

  // Radius grows with the log of the fatalities; clusters are at least big enough for their count label.
  // Capped below half the clustering cell so that neighbouring clusters rarely hide each other.
  function markerRadius(cluster) {
    const byFatalities = 4 + 1.6 * Math.log2(1 + (cluster.fatalities || 0));
    const floor = cluster.events > 1 ? 8 + Math.log10(cluster.events) : 4;
    return Math.min(CLUSTER_PX / 2 - 2, Math.max(byFatalities, floor));
  }

  function drawMap() {
    const canvas = map.canvas;
    const ctx = fitCanvas(canvas);
    const { width, height } = cssSize(canvas);
    const size = worldSize();
    const ox = width / 2 - map.centre.x * size;
    const oy = height / 2 - map.centre.y * size;
    ctx.fillStyle = "#aacbe6";
    ctx.fillRect(0, 0, width, height);

    const view = [(0 - ox) / size, (0 - oy) / size, (width - ox) / size, (height - oy) / size];
    ctx.beginPath();
    for (const { ring, box } of map.basemap) {
      if (box[2] < view[0] || box[0] > view[2] || box[3] < view[1] || box[1] > view[3]) continue;
      ctx.moveTo(ring[0] * size + ox, ring[1] * size + oy);
      for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i] * size + ox, ring[i + 1] * size + oy);
      ctx.closePath();
    }
    ctx.fillStyle = "#f3efe4";
    ctx.fill("evenodd");
    ctx.strokeStyle = "#9a958a";
    ctx.lineWidth = 0.6;
    ctx.stroke();

    map.drawn = [];
    let events = 0;
    const sorted = [...map.clusters].sort((a, b) => b.fatalities - a.fatalities);
    for (const cluster of sorted) {
      const p = toScreen(project(cluster.lon, cluster.lat));
      const r = markerRadius(cluster);
      if (p.x < -r || p.y < -r || p.x > width + r || p.y > height + r) continue;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = typeColour(cluster.type);
      ctx.globalAlpha = 0.78;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      if (cluster.events > 1) {
        ctx.fillStyle = "#ffffff";
        ctx.font = "bold 11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(String(cluster.events), p.x, p.y);
      }
      map.drawn.push({ x: p.x, y: p.y, r, cluster });
      events += cluster.events;
    }
    canvas.dataset.markerCount = String(map.drawn.length);
    canvas.dataset.eventCount = String(events); // incidents (each counted once), as /api/aggregates counts them
  }

  function clusterLevel() {
    return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.round(map.zoom)));
  }

  async function loadClusters(force = false) {
    const level = clusterLevel();
    if (!force && level === map.level) return;
    map.level = level;
    const cell = Math.min(90, (360 / (TILE * Math.pow(2, level))) * CLUSTER_PX);
    try {
      const data = await latest("clusters", "/api/aggregates", { ...filterParams(), by: "grid", cell: cell.toFixed(6) });
      if (!data) return;
      map.clusters = data.buckets;
      drawMap();
    } catch (error) {
      showError(error.message);
    }
  }

  function zoomAt(sx, sy, delta) {
    const before = toWorld(sx, sy);
    map.zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, map.zoom + delta));
    const after = toWorld(sx, sy);
    map.centre.x += before.x - after.x;
    map.centre.y += before.y - after.y;
    clampCentre();
    drawMap();
    loadClusters();
  }

  function setupMapInteraction() {
    const canvas = map.canvas;
    let drag = null;
    canvas.addEventListener("mousedown", (e) => {
      drag = { x: e.clientX, y: e.clientY, centre: { ...map.centre }, moved: false };
      canvas.classList.add("dragging");
    });
    window.addEventListener("mousemove", (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      map.centre.x = drag.centre.x - dx / worldSize();
      map.centre.y = drag.centre.y - dy / worldSize();
      clampCentre();
      drawMap();
    });
    window.addEventListener("mouseup", (e) => {
      if (!drag) return;
      const moved = drag.moved;
      drag = null;
      canvas.classList.remove("dragging");
      if (!moved) clickMap(e);
    });
    canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      zoomAt(e.clientX - rect.left, e.clientY - rect.top, e.deltaY < 0 ? 0.5 : -0.5);
    }, { passive: false });
    canvas.addEventListener("keydown", (e) => {
      const { width, height } = cssSize(canvas);
      if (e.key === "+" || e.key === "=") zoomAt(width / 2, height / 2, 1);
      if (e.key === "-") zoomAt(width / 2, height / 2, -1);
    });
    const centreZoom = (delta) => {
      const { width, height } = cssSize(canvas);
      zoomAt(width / 2, height / 2, delta);
    };
    $("zoom-in").addEventListener("click", () => centreZoom(1));
    $("zoom-out").addEventListener("click", () => centreZoom(-1));
    $("zoom-reset").addEventListener("click", () => {
      map.zoom = 1.5;
      map.centre = { x: 0.5, y: 0.5 };
      clampCentre();
      drawMap();
      loadClusters();
    });
    window.addEventListener("resize", () => { clampCentre(); drawMap(); drawTimeline(); });
  }

  function clickMap(e) {
    const rect = map.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const hit = [...map.drawn].reverse().find((m) => (m.x - x) ** 2 + (m.y - y) ** 2 <= m.r ** 2);
    if (!hit) return;
    if (hit.cluster.event_id) {
      openEvent(hit.cluster.event_id);
    } else {
      map.centre = project(hit.cluster.lon, hit.cluster.lat);
      zoomAt(cssSize(map.canvas).width / 2, cssSize(map.canvas).height / 2, 2);
    }
  }

  function renderLegend(types) {
    const legend = $("legend");
    legend.replaceChildren();
    for (const type of types) {
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = typeColour(type);
      legend.append(el("li", null, swatch, type));
    }
    legend.append(el("li", { className: "note", text: "size: fatalities / incidents" }));
  }

  // ---------- timeline ----------
  const timeline = { canvas: $("timeline"), buckets: [], unit: "day", brush: null, start: 0, end: 0 };
  const DAY = 86400000;

  function parseDay(text) {
    const [y, m, d] = text.split("-").map(Number);
    return Date.UTC(y, m - 1, d);
  }

  function formatDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  async function loadTimeline() {
    try {
      const days = await latest("timeline", "/api/aggregates", { ...filterParams({ withDates: false }), by: "day" });
      if (!days) return;
      let buckets = days.buckets;
      let unit = "day";
      if (buckets.length > 1) {
        const span = (parseDay(buckets[buckets.length - 1].key) - parseDay(buckets[0].key)) / DAY;
        if (span > 400) {
          unit = "week";
          const weeks = await latest("timeline", "/api/aggregates", { ...filterParams({ withDates: false }), by: "week" });
          if (!weeks) return;
          buckets = weeks.buckets;
        }
      }
      timeline.unit = unit;
      timeline.buckets = buckets.map((b) => ({ t: parseDay(b.key), events: b.events }));
      const width = unit === "week" ? 7 * DAY : DAY;
      timeline.start = buckets.length ? timeline.buckets[0].t : 0;
      timeline.end = buckets.length ? timeline.buckets[timeline.buckets.length - 1].t + width : 0;
      $("timeline-label").textContent = "Incidents per " + unit + (buckets.length ? "" : " (no dated incidents)");
      drawTimeline();
    } catch (error) {
      showError(error.message);
    }
  }

  function timelineX(t, width) {
    const span = Math.max(DAY, timeline.end - timeline.start);
    return 30 + ((t - timeline.start) / span) * (width - 40);
  }

  function timelineT(x, width) {
    const span = Math.max(DAY, timeline.end - timeline.start);
    return timeline.start + ((x - 30) / (width - 40)) * span;
  }

  function drawTimeline() {
    const canvas = timeline.canvas;
    const ctx = fitCanvas(canvas);
    const { width, height } = cssSize(canvas);
    ctx.clearRect(0, 0, width, height);
    const top = 8;
    const bottom = height - 18;
    const max = Math.max(1, ...timeline.buckets.map((b) => b.events));
    const barWidth = timeline.unit === "week" ? 7 * DAY : DAY;
    const pixelsPerBar = Math.max(1, timelineX(timeline.start + barWidth, width) - timelineX(timeline.start, width) - 1);
    const inBrush = (t) => !state.since || (t >= parseDay(state.since) && t <= parseDay(state.until));
    for (const bucket of timeline.buckets) {
      const x = timelineX(bucket.t, width);
      const h = ((bottom - top) * bucket.events) / max;
      ctx.fillStyle = inBrush(bucket.t) ? "#1f5fa8" : "#b8c4d3";
      ctx.fillRect(x, bottom - h, pixelsPerBar, h);
    }
    ctx.fillStyle = "#5f6b7a";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    ctx.fillText(String(max), 2, top);
    if (timeline.buckets.length) {
      ctx.fillText(formatDay(timeline.start), 30, bottom + 4);
      ctx.textAlign = "right";
      ctx.fillText(formatDay(timeline.end - DAY), width - 10, bottom + 4);
    }
    ctx.strokeStyle = "#d8dde4";
    ctx.beginPath();
    ctx.moveTo(30, bottom + 0.5);
    ctx.lineTo(width - 10, bottom + 0.5);
    ctx.stroke();
    if (timeline.brush) {
      const [a, b] = [Math.min(...timeline.brush), Math.max(...timeline.brush)];
      ctx.fillStyle = "rgba(31, 95, 168, 0.18)";
      ctx.fillRect(a, top, b - a, bottom - top);
    }
  }

  function setupTimeline() {
    const canvas = timeline.canvas;
    let dragging = false;
    const xOf = (e) => e.clientX - canvas.getBoundingClientRect().left;
    canvas.addEventListener("mousedown", (e) => {
      if (!timeline.buckets.length) return;
      dragging = true;
      timeline.brush = [xOf(e), xOf(e)];
      drawTimeline();
    });
    window.addEventListener("mousemove", (e) => {
      if (!dragging) return;
      timeline.brush[1] = xOf(e);
      drawTimeline();
    });
    window.addEventListener("mouseup", () => {
      if (!dragging) return;
      dragging = false;
      const { width } = cssSize(canvas);
      const [a, b] = [Math.min(...timeline.brush), Math.max(...timeline.brush)];
      timeline.brush = null;
      if (b - a < 3) {
        setDateRange(null, null);
        return;
      }
      const from = Math.max(timeline.start, timelineT(a, width));
      const to = Math.min(timeline.end - DAY, timelineT(b, width));
      setDateRange(formatDay(Math.floor(from / DAY) * DAY), formatDay(Math.floor(to / DAY) * DAY));
    });
    $("brush-clear").addEventListener("click", () => setDateRange(null, null));
  }

  function setDateRange(since, until) {
    state.since = since;
    state.until = since ? until : null;
    $("brush-label").textContent = since ? `${since} → ${until}` : "";
    $("brush-clear").hidden = !since;
    drawTimeline();
    refresh({ timeline: false });
  }

  // ---------- table ----------
  async function loadTable() {
    try {
      const data = await latest("table", "/api/events", { ...filterParams(), limit: PAGE_SIZE, offset: state.offset });
      if (!data) return;
      state.total = data.total;
      renderTable(data.events);
    } catch (error) {
      showError(error.message);
    }
  }

  function renderTable(events) {
    const body = $("events-body");
    body.replaceChildren();
    if (!events.length) {
      body.append(el("tr", null, el("td", { className: "empty", colspan: "9", text: "No events match these filters." })));
    }
    for (const event of events) {
      const dot = el("span", { className: "type-dot" });
      dot.style.background = typeColour(event.plover_type);
      const row = el("tr", { tabindex: "0", dataset: { eventId: event.event_id } },
        el("td", { className: "date" }, event.date_start || "—"),
        el("td", null, dot, event.plover_type),
        el("td", null, event.acled_sub_event_type || event.plover_mode || ""),
        el("td", null, event.actor1 || ""),
        el("td", null, event.actor2 || ""),
        el("td", null, event.location || ""),
        el("td", null, event.country || ""),
        el("td", { className: "num" }, event.fatalities ?? ""),
        el("td", null, event.status),
      );
      if (event.event_id === state.selected) row.classList.add("selected");
      row.addEventListener("click", () => openEvent(event.event_id));
      row.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvent(event.event_id); });
      body.append(row);
    }
    const first = state.total ? state.offset + 1 : 0;
    const last = Math.min(state.total, state.offset + PAGE_SIZE);
    $("page-info").textContent = `${first}–${last} of ${state.total}`;
    $("page-prev").disabled = state.offset === 0;
    $("page-next").disabled = state.offset + PAGE_SIZE >= state.total;
  }

  // ---------- detail ----------
  const DETAIL_FIELDS = [
    ["event_id", "Event id"], ["status", "Status"], ["plover_type", "PLOVER type"], ["plover_mode", "PLOVER mode"],
    ["acled_event_type", "ACLED type"], ["acled_sub_event_type", "ACLED sub-type"],
    ["actor1", "Actor 1"], ["inter1", "Inter 1"], ["actor2", "Actor 2"], ["inter2", "Inter 2"],
    ["location", "Location"], ["location_text", "Place as written"], ["admin1", "Admin 1"], ["admin2", "Admin 2"],
    ["country", "Country"], ["latitude", "Latitude"], ["longitude", "Longitude"], ["geo_precision", "Geo precision"],
    ["date_start", "Date start"], ["date_end", "Date end"], ["date_precision", "Date precision"],
    ["fatalities", "Fatalities"], ["fatalities_low", "Fatalities low"], ["fatalities_high", "Fatalities high"],
    ["injured", "Injured"], ["abducted", "Abducted"], ["arrested", "Arrested"], ["displaced", "Displaced"],
    ["participants", "Participants"], ["claimant", "Claimant"], ["attribution_text", "Attribution"],
    ["confidence", "Confidence"], ["incident_id", "Incident"], ["evidence_start", "Evidence start"],
    ["evidence_end", "Evidence end"],
  ];

  function actorList(refs) {
    return (refs || []).map((a) => a.name + (a.text && a.text !== a.name ? ` ("${a.text}")` : "") +
      (a.sector ? ` [${a.sector}]` : "")).join("; ");
  }

  async function openEvent(eventId) {
    state.selected = eventId;
    for (const row of $("events-body").querySelectorAll("tr")) {
      row.classList.toggle("selected", row.dataset.eventId === eventId);
    }
    try {
      const event = await latest("detail", "/api/events/" + encodeURIComponent(eventId));
      if (event) renderDetail(event);
    } catch (error) {
      showError(error.message);
    }
  }

  function renderDetail(event) {
    const panel = $("detail");
    $("detail-title").textContent = shown(`${event.plover_type}${event.acled_sub_event_type ? " — " + event.acled_sub_event_type : ""}`);
    const fields = $("detail-fields");
    fields.replaceChildren();
    const add = (label, value) => {
      if (value === null || value === undefined || value === "") return;
      fields.append(el("dt", null, label), el("dd", null, String(value)));
    };
    for (const [key, label] of DETAIL_FIELDS) add(label, event[key]);
    add("All actors", actorList(event.event && event.event.actors));
    add("All recipients", actorList(event.event && event.event.recipients));
    fields.append(el("dt", null, "Evidence"), el("dd", { className: "evidence-field", dir: "auto" }, event.evidence_text));

    const article = event.article || {};
    const meta = $("detail-article-meta");
    meta.replaceChildren(  // <bdi>: a right-to-left title or source keeps its place in the line
      el("strong", null, el("bdi", null, article.title || "(untitled)")),
      " — ", el("bdi", null, article.source || "unknown source"), article.published ? ", " + article.published : "",
    );
    if (article.url && /^https?:\/\//i.test(article.url)) {
      meta.append(" — ", el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank" }, "original"));
    }
    const text = article.text || "";
    let start = event.evidence_start;
    let end = event.evidence_end;
    if (text.slice(start, end) !== event.evidence_text) {
      start = text.indexOf(event.evidence_text);
      end = start + event.evidence_text.length;
    }
    const body = $("detail-article");
    if (start >= 0) {
      // Cut at the stored offsets first, then drop the bidi controls from each piece.
      body.replaceChildren(shown(text.slice(0, start)), el("mark", null, text.slice(start, end)), shown(text.slice(end)));
    } else {
      body.replaceChildren(shown(text));
    }
    renderIncident(event.incident_id);
    panel.hidden = false;
    const mark = body.querySelector("mark");
    if (mark) mark.scrollIntoView({ block: "nearest" });
  }

  // The incident an event reports: its reconciled toll and every report of it (click one to open it).
  async function renderIncident(incidentId) {
    const section = $("detail-incident");
    section.hidden = true;
    if (!incidentId) return;
    try {
      const incident = await latest("incident", "/api/incidents/" + encodeURIComponent(incidentId));
      if (!incident) return;
      $("detail-incident-summary").textContent = shown(`${incident.n_reports} reports from ` +
        `${incident.sources.join("; ") || "unknown sources"} · ${incident.fatalities_best ?? 0} fatalities ` +
        `(the largest credible figure of the reports)`);
      const list = $("detail-reports");
      list.replaceChildren();
      for (const report of incident.reports) {
        const item = el("li", { tabindex: "0", dataset: { eventId: report.event_id } },
          el("bdi", null, report.source || report.title || report.article_id),
          ` · ${report.date_start || "undated"} · ${report.fatalities ?? "no"} killed: `,
          el("q", { dir: "auto" }, report.evidence_text));
        if (report.event_id === state.selected) item.classList.add("selected");
        item.addEventListener("click", () => openEvent(report.event_id));
        item.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvent(report.event_id); });
        list.append(item);
      }
      section.hidden = false;
    } catch (error) {
      showError(error.message);
    }
  }

  // ---------- filters, totals, exports ----------
  function fillSelect(select, values, keep = true) {
    const current = select.value;
    const first = keep ? select.querySelector("option") : null;
    select.replaceChildren(...(first ? [first] : []));
    for (const value of values) select.append(el("option", { value: value.value ?? value }, value.label ?? value));
    select.value = current;
  }

  async function loadMeta() {
    const meta = await api("/api/meta");
    fillSelect($("f-type"), meta.plover_types);
    fillSelect($("f-acled"), meta.acled_event_types);
    fillSelect($("f-status"), meta.statuses, false);
    $("f-status").value = state.filters.status;
    const countries = await api("/api/aggregates", { by: "country", status: "any" });
    fillSelect($("f-country"), countries.buckets.filter((b) => b.key).map((b) => ({
      value: b.key, label: `${b.key} (${b.events})`,
    })));
    const types = await api("/api/aggregates", { by: "type", status: "any" });
    renderLegend(types.buckets.map((b) => b.key));
  }

  async function loadTotals() {
    try {
      const data = await latest("totals", "/api/aggregates", { ...filterParams(), by: "status" });
      if (!data) return;
      const t = data.totals;
      const totals = $("totals");
      totals.textContent = `${t.events} incidents (${t.reports} reports from ${t.articles} articles) · ` +
        `${t.fatalities} fatalities · ${t.injured} injured · ${t.abducted} abducted · ${t.arrested} arrested`;
      totals.dataset.incidents = String(t.events);
      totals.dataset.fatalities = String(t.fatalities);
    } catch (error) {
      showError(error.message);
    }
  }

  function updateExportLinks() {
    const params = filterParams();
    for (const format of ["csv", "geojson", "parquet"]) {
      $("export-" + format).href = "/api/export?" + queryString({ ...params, format });
    }
  }

  async function downloadWithToken(e) {
    if (!state.token) return; // the plain link works when reads are open
    e.preventDefault();
    const link = e.currentTarget;
    try {
      const response = await fetch(link.href, { headers: { Authorization: "Bearer " + state.token } });
      if (!response.ok) throw new Error("export failed: HTTP " + response.status);
      const url = URL.createObjectURL(await response.blob());
      const anchor = el("a", { href: url, download: link.href.includes("geojson") ? "events.geojson" : "events" });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      showError(error.message);
    }
  }

  function readFilters() {
    state.filters = {
      plover_type: $("f-type").value,
      acled_event_type: $("f-acled").value,
      actor: $("f-actor").value.trim(),
      country: $("f-country").value,
      status: $("f-status").value || "occurred",
      q: $("f-q").value.trim(),
    };
  }

  function refresh({ timeline: withTimeline = true } = {}) {
    showError("");
    state.offset = 0;
    updateExportLinks();
    return Promise.all([loadTable(), loadClusters(true), loadTotals(), withTimeline ? loadTimeline() : null]);
  }

  function setupFilters() {
    const form = $("filters");
    let timer = null;
    form.addEventListener("change", () => { readFilters(); refresh(); });
    form.addEventListener("input", (e) => {
      if (e.target.tagName !== "INPUT") return;
      clearTimeout(timer);
      timer = setTimeout(() => { readFilters(); refresh(); }, 350);
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("reset", () => {
      setTimeout(() => {
        $("f-status").value = "occurred";
        readFilters();
        state.since = null;
        state.until = null;
        $("brush-label").textContent = "";
        $("brush-clear").hidden = true;
        refresh();
      }, 0);
    });
    $("page-prev").addEventListener("click", () => {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      loadTable();
    });
    $("page-next").addEventListener("click", () => {
      if (state.offset + PAGE_SIZE < state.total) state.offset += PAGE_SIZE;
      loadTable();
    });
    $("detail-close").addEventListener("click", () => { $("detail").hidden = true; });
    for (const format of ["csv", "geojson", "parquet"]) {
      $("export-" + format).addEventListener("click", downloadWithToken);
    }
    $("token-save").addEventListener("click", () => {
      state.token = $("token-input").value.trim();
      sessionStorage.setItem("observatory-token", state.token);
      $("token-box").hidden = true;
      start();
    });
  }

  async function start() {
    try {
      await loadMeta();
    } catch (error) {
      showError(error.message);
      return;
    }
    clampCentre();
    await refresh();
  }

  setupMapInteraction();
  setupTimeline();
  setupFilters();
  drawMap();
  const basemapLoaded = loadBasemap().catch((error) => showError("basemap: " + error.message));
  // The first screen is complete: measured by benchmarks/bench_api.py through this performance mark.
  Promise.all([basemapLoaded, start()]).then(() => {
    performance.mark("dashboard-ready");
    document.documentElement.dataset.ready = "true";
  });
})();
