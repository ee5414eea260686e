// observatory dashboard: ACLED-first views of incidents (or reports), a Leaflet map with clustered markers
// over the bundled world.geojson (no tile server), ECharts timeline and bar charts, a DataTables table and a
// detail panel listing an incident's reports. The server counts, groups and pages (/api/summary, /api/incidents,
// /api/aggregates?by=map), so the page holds no more than one table page, the map's cells and the charts'
// buckets. Every value from the API is untrusted: the DOM is built with createElement and textContent only,
// never innerHTML (tooltips get DOM nodes, not HTML strings), and text is shown without bidirectional controls
// (see shown()). The view (filters, dates, sort, page, selection) lives in the URL's query string and is
// restored on load.
"use strict";

(() => {
  const PAGE_SIZE = 50;
  const ACLED_COLOURS = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#7b3294",
    "Protests": "#1f78b4", "Riots": "#e7298a", "Strategic developments": "#4d7c0f",
  };
  const PLOVER_COLOURS = {
    ASSAULT: "#d7301f", COERCE: "#7b3294", PROTEST: "#1f78b4", THREATEN: "#ff7f00", MOBILIZE: "#a6761d",
    SANCTION: "#666666", REJECT: "#e7298a", ACCUSE: "#fb9a99", REQUEST: "#b2df8a", RETREAT: "#66a61e",
    AID: "#1b9e77", COOPERATE: "#33a02c", CONCEDE: "#a6cee3", SUPPORT: "#80b1d3", CONSULT: "#bebada",
    AGREE: "#8dd3c7",
  };
  // Server-side filters (the API's EventFilter) and the form fields that hold them.
  const FILTERS = {
    acled_event_type: "f-acled", acled_sub_event_type: "f-sub", plover_type: "f-type", actor: "f-actor",
    country: "f-country", admin1: "f-admin1", since: "f-since", until: "f-until", status: "f-status", q: "f-q",
  };
  const LABEL_ZOOM = 8;  // place names from this zoom on (city level)
  const NUMERIC = new Set(["fatalities", "report_count", "confidence"]);
  const DAY = 86400000;
  const CELL_PX = 30;  // the server's map cells, in screen pixels at the map's zoom (markercluster merges them)

  const $ = (id) => document.getElementById(id);
  const state = {
    view: "acled", unit: "incident", filters: { status: "occurred" }, conf: "", metric: "events",
    sort: "event_date:desc", page: 0, selected: null, rows: [], total: 0, totals: {}, extent: {}, timeline: [],
    token: sessionStorage.getItem("observatory-token") || "", queue: null, meta: {}, detail: null,
  };

  // ---------- DOM helpers ----------
  // Bidirectional control characters (Unicode Bidi_Control) can reverse how text reads ("\u202Eecilop"
  // shows as "police"): they are dropped from what the page shows; the API's text and offsets keep them.
  const BIDI_CONTROLS = /\p{Bidi_Control}/gu;
  function shown(value) { return String(value).replace(BIDI_CONTROLS, ""); }

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

  function showError(message) { $("status-line").textContent = shown(message || ""); }
  function typeColour(type) {
    return (state.view === "acled" ? ACLED_COLOURS : PLOVER_COLOURS)[type] || "#555555";
  }
  const typeOrder = () => Object.keys(state.view === "acled" ? ACLED_COLOURS : PLOVER_COLOURS);

  // ---------- URL state ----------
  function writeUrl() {
    const search = new URLSearchParams();
    if (state.view !== "acled") search.set("view", state.view);
    if (state.unit !== "incident") search.set("unit", state.unit);
    for (const [key, value] of Object.entries(state.filters)) {
      if (value && !(key === "status" && value === "occurred")) search.set(key, value);
    }
    if (state.conf) search.set("conf", state.conf);
    if (state.metric !== "events") search.set("metric", state.metric);
    if (state.sort !== "event_date:desc") search.set("sort", state.sort);
    if (state.page) search.set("page", String(state.page + 1));
    if (state.selected) search.set("sel", state.selected);
    if (state.queue !== null && state.token) search.set("queue", String(state.queue + 1));
    const text = search.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  function readUrl() {
    const search = new URLSearchParams(location.search);
    state.view = search.get("view") === "verbal" ? "verbal" : "acled";
    state.unit = search.get("unit") === "report" ? "report" : "incident";
    state.filters = { status: "occurred" };
    for (const key of [...Object.keys(FILTERS), "bbox"]) if (search.get(key)) state.filters[key] = search.get(key);
    state.conf = search.get("conf") || "";
    state.metric = search.get("metric") === "fatalities" ? "fatalities" : "events";
    const [sortKey, sortDir] = (search.get("sort") || "").split(":");
    const sortable = COLUMNS.some(([key]) => key === sortKey) && ["asc", "desc"].includes(sortDir);
    state.sort = sortable ? `${sortKey}:${sortDir}` : "event_date:desc";
    state.page = Math.max(0, (parseInt(search.get("page"), 10) || 1) - 1);
    state.selected = search.get("sel") || null;
    const queue = parseInt(search.get("queue"), 10);
    state.queue = queue > 0 ? queue - 1 : null;
  }

  function writeForm() {
    for (const [key, id] of Object.entries(FILTERS)) $(id).value = state.filters[key] || "";
    $("f-status").value = state.filters.status || "occurred";
    $("f-conf").value = state.conf;
    $("tl-metric").value = state.metric;
    for (const button of document.querySelectorAll(".tab")) {
      const on = button.dataset.view ? button.dataset.view === state.view : button.dataset.unit === state.unit;
      button.setAttribute("aria-pressed", String(on));
    }
    $("l-acled").hidden = $("l-sub").hidden = state.view === "verbal";
    $("f-extent").checked = Boolean(state.filters.bbox);
    const range = state.filters.since || state.filters.until;
    $("brush-label").textContent = range ? `${state.filters.since || "…"} → ${state.filters.until || "…"}` : "";
    $("brush-clear").hidden = !range;
  }

  function readForm() {
    const filters = {};
    for (const [key, id] of Object.entries(FILTERS)) {
      const value = $(id).value.trim();
      if (value) filters[key] = value;
    }
    filters.status = filters.status || "occurred";
    if (state.filters.bbox) filters.bbox = state.filters.bbox;
    if (state.view === "verbal") { delete filters.acled_event_type; delete filters.acled_sub_event_type; }
    state.filters = filters;
    const conf = parseFloat($("f-conf").value);
    state.conf = Number.isFinite(conf) && conf > 0 ? String(Math.min(conf, 1)) : "";
  }

  // ---------- API ----------
  function queryString(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") search.set(key, value);
    }
    return search.toString();
  }

  function authHeaders(accept) {
    const headers = { Accept: accept };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return headers;
  }

  async function request(path, params, accept) {
    const response = await fetch(path + (params ? "?" + queryString(params) : ""), { headers: authHeaders(accept) });
    if (response.status === 401) {
      $("token-box").hidden = false;
      $("token-prompt").textContent = "This server needs an API token (kept in this tab only):";
      throw new Error("This server needs an API token.");
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(typeof body.detail === "string" ? body.detail : "HTTP " + response.status);
    }
    return response;
  }
  const api = async (path, params) => (await request(path, params, "application/json")).json();

  const latestRequest = {};
  async function latest(kind, fn) {
    const id = (latestRequest[kind] || 0) + 1;
    latestRequest[kind] = id;
    const body = await fn();
    return id === latestRequest[kind] ? body : null;
  }

  function exportParams() {
    return { ...state.filters, min_confidence: state.conf, kind: state.view, unit: state.unit };
  }
  const typesField = () => (state.view === "acled" ? "acled_type" : "type");

  // The view's counts (GET /api/summary): totals, located units and dates, units per type, first actor and
  // admin 1, and the timeline's buckets per period and type.
  const loadCounts = () => api("/api/summary", { ...exportParams(), types: typesField() });

  // The table's page of units (the export's columns), sorted and paged by the server.
  async function loadPage() {
    const [key, direction] = state.sort.split(":");
    return api("/api/incidents", { ...exportParams(), sort: `${sortColumn(key)}:${direction}`, limit: PAGE_SIZE,
      offset: state.page * PAGE_SIZE });
  }

  // ---------- map (Leaflet, markercluster; the base layer is the bundled world.geojson) ----------
  // home: the bounds of the units of each view (kind and unit) without filters, where clearing them fits the map.
  const map = { leaflet: null, cluster: null, labels: null, fitted: false, home: {} };

  // The map's extent as the API's bbox (min_lon,min_lat,max_lon,max_lat), within the world's bounds.
  function mapBbox() {
    const b = map.leaflet.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v)).toFixed(3);
    const west = b.getWest(), east = b.getEast();
    const [lo, hi] = east - west >= 360 ? [-180, 180] : [((west + 540) % 360) - 180, ((east + 540) % 360) - 180];
    return [clamp(lo, -180, 180), clamp(b.getSouth(), -90, 90), clamp(hi, -180, 180), clamp(b.getNorth(), -90, 90)].join(",");
  }

  function bboxBounds(bbox) {
    const [w, south, e, north] = bbox.split(",").map(Number);
    return L.latLngBounds([south, w], [north, e < w ? e + 360 : e]);
  }

  function showLabels() {
    const on = map.leaflet.getZoom() >= LABEL_ZOOM;
    if (on && !map.leaflet.hasLayer(map.labels)) map.leaflet.addLayer(map.labels);
    if (!on && map.leaflet.hasLayer(map.labels)) map.leaflet.removeLayer(map.labels);
  }

  function markerIcon(colour, size) {
    const dot = el("span", { className: "dot" });
    dot.style.background = colour;
    dot.style.width = dot.style.height = size + "px";
    return L.divIcon({ className: "marker", html: dot, iconSize: [size, size] });
  }


  // A cell of one unit: its type, place, date, fatalities and reports; of several: their count and main type.
  function tooltipFor(cell) {
    if (cell.events > 1) {
      return el("div", { className: "tip" }, el("strong", null, `${cell.events} ${unitName(cell.events)}`), el("br"),
        `mostly ${cell.type || "(none)"}${cell.label ? " · " + cell.label : ""} · ${cell.fatalities} fatalities`);
    }
    const type = `${cell.type || ""}${cell.sub_type ? " — " + cell.sub_type : ""}`;
    return el("div", { className: "tip" },
      el("strong", null, type), el("br"),
      [cell.label, cell.admin1, cell.country].filter(Boolean).join(", "), el("br"),
      `${cell.date || "undated"} · ${cell.fatalities ?? 0} fatalities · ${cell.reports ?? 1} ` +
      `report${cell.reports === 1 ? "" : "s"}`);
  }

  function clusterDot(n, fatalities, type) {
    const size = Math.min(54, 22 + Math.sqrt(n) * 4 + Math.sqrt(fatalities));
    const dot = el("span", { className: "dot cluster-dot" }, String(n));
    dot.style.background = typeColour(type);
    dot.style.width = dot.style.height = dot.style.lineHeight = Math.round(size) + "px";
    return L.divIcon({ className: "marker marker-cluster-x", html: dot, iconSize: [size, size] });
  }

  // A cluster of the server's cells takes the colour of the type with the most units; ties go to the
  // deadlier type, then to the codebook order of types.
  function clusterIcon(cluster) {
    const counts = new Map();
    let n = 0, fatalities = 0;
    for (const marker of cluster.getAllChildMarkers()) {
      const cell = marker.options.cell;
      const entry = counts.get(cell.type) || { n: 0, f: 0 };
      entry.n += cell.events; entry.f += cell.fatalities;
      counts.set(cell.type, entry);
      n += cell.events; fatalities += cell.fatalities;
    }
    const order = typeOrder();
    const [top] = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || b[1].f - a[1].f ||
      order.indexOf(a[0]) - order.indexOf(b[0]));
    return clusterDot(n, fatalities, top[0]);
  }

  async function setupMap() {
    const leaflet = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 14, zoomSnap: 0.5, attributionControl: false })
      .setView([15, 20], 2);
    L.control.scale({ imperial: false }).addTo(leaflet);
    map.leaflet = leaflet;
    map.cluster = L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 45,
      animate: false });
    leaflet.addLayer(map.cluster);
    map.labels = L.layerGroup();
    leaflet.on("moveend zoomend", countMarkers);
    leaflet.on("zoomend", showLabels);
    let timer = null;
    leaflet.on("moveend", () => {  // the cells of the new extent; with "only the map's area", everything follows
      if (map.fitting) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!state.filters.bbox) { reloadMap(); return; }
        const bbox = mapBbox();
        if (bbox !== state.filters.bbox) { state.filters.bbox = bbox; map.shownBbox = bbox; state.page = 0; refresh(); }
      }, 200);
    });
    try {
      const world = await (await fetch("/static/world.geojson")).json();
      L.geoJSON(world, { interactive: false, style: { color: "#8a97a8", weight: 0.6, fillColor: "#eef0ec", fillOpacity: 1 } })
        .addTo(leaflet).bringToBack();
    } catch (error) {
      showError("basemap: " + error.message);
    }
  }

  function countMarkers() {
    const n = document.querySelectorAll("#map .leaflet-marker-pane .marker").length;
    $("map").dataset.markerCount = String(n);
  }

  // Whether the map shows the units' bounds well already: inside its view, spanning a third of it or more
  // (or zoomed in to the fitting's limit); then the map stays where it is.
  function fitsView(bounds) {
    const view = map.leaflet.getBounds();
    if (!view.contains(bounds)) return false;
    const share = Math.max((bounds.getEast() - bounds.getWest()) / (view.getEast() - view.getWest()),
      (bounds.getNorth() - bounds.getSouth()) / (view.getNorth() - view.getSouth()));
    return share >= 1 / 3 || map.leaflet.getZoom() >= 8;
  }

  // The map's padding at the bottom right when fitting, so that no unit is drawn under the open legend (in
  // the bottom right corner): its width or its height, whichever costs less of the map.
  function legendPadding() {
    if ($("legend").hidden) return [30, 30];
    const box = $("legend-box"), area = $("map");
    const width = box.offsetWidth + 16, height = box.offsetHeight + 16;
    return width / area.clientWidth <= height / area.clientHeight ? [width, 30] : [30, height];
  }

  const fitting = () => ({ paddingTopLeft: [30, 30], paddingBottomRight: legendPadding(), maxZoom: 8, animate: false });
  const homeKey = () => `${state.view}|${state.unit}`;
  const unfiltered = () => !state.conf && Object.entries(state.filters).every(([k, v]) => !v || (k === "status" && v === "occurred"));

  // The map's view once the new units are drawn, as far as it can be told before they are counted: the view
  // fitted to all the units when the filters are cleared and the map does not show them well, else the view
  // as it is (a narrower view keeps the map where it is).
  function expectedView() {
    const leaflet = map.leaflet;
    const home = unfiltered() && map.fitted && map.home[homeKey()];
    if (!home || fitsView(home)) return { zoom: leaflet.getZoom(), bounds: leaflet.getBounds() };
    const { paddingTopLeft, paddingBottomRight, maxZoom } = fitting();
    const topLeft = L.point(paddingTopLeft), bottomRight = L.point(paddingBottomRight);
    const zoom = Math.min(maxZoom, leaflet.getBoundsZoom(home, false, topLeft.add(bottomRight)));
    const middle = leaflet.project(home.getSouthWest(), zoom).add(leaflet.project(home.getNorthEast(), zoom)).divideBy(2)
      .add(bottomRight.subtract(topLeft).divideBy(2));
    const half = leaflet.getSize().divideBy(2);
    return { zoom, bounds: L.latLngBounds(leaflet.unproject(middle.subtract(half), zoom), leaflet.unproject(middle.add(half), zoom)) };
  }

  // Fits the map to the view's units (or to the extent filter), then loads and draws its cells.
  function fitMap() {
    const extent = state.extent;
    map.fitting = true;  // fitting moves the map: not a change of the extent filter
    if (state.filters.bbox) {
      if (!map.shownBbox || map.shownBbox !== state.filters.bbox) {
        map.leaflet.fitBounds(bboxBounds(state.filters.bbox), { animate: false });  // shows at least that area
      }
    } else if (extent.bounds) {
      const [w, south, e, north] = extent.bounds;
      const bounds = L.latLngBounds([south, w], [north, e]);
      if (!map.fitted || !fitsView(bounds)) {
        map.leaflet.fitBounds(bounds, fitting());
        map.fitted = true;
      }
      if (unfiltered()) map.home[homeKey()] = bounds;
    }
    map.shownBbox = state.filters.bbox;
    setTimeout(() => { map.fitting = false; }, 0);
    $("map").dataset.eventCount = String(extent.located || 0);
    const missing = (state.totals.events || 0) - (extent.located || 0);
    const noCoords = $("no-coords");
    noCoords.dataset.count = String(missing);
    noCoords.textContent = missing ? `${missing} ${unitName(missing)} without coordinates (not on the map; listed in the table)` : "";
  }

  // The map's cells: the view's located units grouped by the server in cells of about CELL_PX pixels over
  // the map's extent (a little beyond it, so that a small pan needs no new cells).
  async function loadCells(view = { zoom: map.leaflet.getZoom(), bounds: map.leaflet.getBounds() }) {
    const cell = Math.min(90, Math.max(0.0001, (360 / (256 * 2 ** view.zoom)) * CELL_PX));
    const bounds = view.bounds.pad(0.25);
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v)).toFixed(3);
    const wide = bounds.getEast() - bounds.getWest() >= 360;
    const bbox = state.filters.bbox || (wide ? null : [
      clamp(((bounds.getWest() + 540) % 360) - 180, -180, 180), clamp(bounds.getSouth(), -90, 90),
      clamp(((bounds.getEast() + 540) % 360) - 180, -180, 180), clamp(bounds.getNorth(), -90, 90)].join(","));
    const params = { ...exportParams(), by: "map", types: typesField(), cell: cell.toPrecision(6), totals: "false" };
    if (bbox) params.bbox = bbox;
    else delete params.bbox;
    return (await api("/api/aggregates", params)).buckets;
  }

  function drawCells(cells) {
    map.cluster.clearLayers();
    map.labels.clearLayers();
    const markers = cells.map((cell) => {
      const icon = cell.events === 1
        ? markerIcon(typeColour(cell.type), Math.min(26, 10 + Math.sqrt(cell.fatalities || 0) * 2))
        : clusterDot(cell.events, cell.fatalities, cell.type);
      const marker = L.marker([cell.lat, cell.lon], { icon, cell });
      marker.bindTooltip(tooltipFor(cell), { direction: "top" });
      marker.on("click", () => {
        if (cell.event_id) openEvent(cell.event_id);
        else map.leaflet.setView([cell.lat, cell.lon], Math.min(map.leaflet.getMaxZoom(), map.leaflet.getZoom() + 2));
      });
      if (cell.label) {
        const label = L.divIcon({ className: "place-label", html: el("span", null, cell.label), iconSize: null, iconAnchor: [-8, 6] });
        map.labels.addLayer(L.marker([cell.lat, cell.lon], { icon: label, interactive: false, keyboard: false }));
      }
      return marker;
    });
    map.cluster.addLayers(markers);
    showLabels();
    countMarkers();
  }

  async function reloadMap() {
    try {
      const cells = await latest("cells", loadCells);
      if (cells) drawCells(cells);
    } catch (error) {
      showError(error.message);
    }
  }

  function renderLegend(buckets) {
    const list = $("legend");
    list.replaceChildren();
    for (const { key, events } of buckets) {
      if (key === null) continue;
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = typeColour(key);
      list.append(el("li", { dataset: { type: key } }, swatch, `${key} (${events})`));
    }
    if (!list.childElementCount) list.append(el("li", { className: "note" }, "nothing matches"));
  }

  // ---------- charts (ECharts) ----------
  const charts = {};
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  // Buckets of the API ({key, events}) summed by key, most first (ties by key): [key, units] pairs.
  function countBy(buckets) {
    const counts = new Map();
    for (const { key, events } of buckets) {
      if (key === null || key === undefined || key === "") continue;
      counts.set(key, (counts.get(key) || 0) + events);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  }

  const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
  const dayMs = (text) => Date.parse(text + "T00:00:00Z");
  function weekStart(ms) {
    const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0
    return ms - weekday * DAY;
  }

  // The timeline's periods (of the server's step) from the filter's dates, else from the first and last
  // dates of the view's units.
  function timelineBins(dates, step) {
    let lo = state.filters.since ? dayMs(state.filters.since) : dates ? dayMs(dates[0]) : NaN;
    let hi = state.filters.until ? dayMs(state.filters.until) : dates ? dayMs(dates[1]) : NaN;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return { keys: [], step };
    const keys = [];
    if (step === "month") {
      const end = isoDay(hi).slice(0, 7);
      for (let d = new Date(lo); ; d.setUTCMonth(d.getUTCMonth() + 1)) {
        d.setUTCDate(1);
        const key = isoDay(d.getTime()).slice(0, 7);
        keys.push(key);
        if (key >= end) break;
      }
      return { keys, step };
    }
    if (step === "week") { lo = weekStart(lo); hi = weekStart(hi); }
    for (let t = lo; t <= hi; t += step === "week" ? 7 * DAY : DAY) keys.push(isoDay(t));
    return { keys, step };
  }

  function binKey(day, step) {
    if (step === "month") return day.slice(0, 7);
    return step === "week" ? isoDay(weekStart(dayMs(day))) : day;
  }

  function renderTimeline({ keys, step, buckets }) {
    const index = new Map(keys.map((k, i) => [k, i]));
    const bins = new Map();
    for (const bucket of buckets) {
      const key = binKey(bucket.key, step);
      if (!index.has(key)) continue;
      const type = bucket.type || "(none)";
      if (!bins.has(type)) bins.set(type, new Array(keys.length).fill(0));
      bins.get(type)[index.get(key)] += state.metric === "fatalities" ? bucket.fatalities : bucket.events;
    }
    const order = typeOrder();
    const types = [...bins.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const noun = state.metric === "fatalities" ? "Fatalities" : state.unit === "incident" ? "Incidents" : "Reports";
    $("timeline-label").textContent = `${noun} per ${step}`;
    const tl = chart("timeline");
    tl.setOption({
      animation: false,
      grid: { left: 40, right: 30, top: 8, bottom: 24 },
      tooltip: { trigger: "axis", formatter: (items) => timelineTip(items, step) },
      xAxis: { type: "category", data: keys, axisLabel: { hideOverlap: true }, axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      brush: { xAxisIndex: 0, brushType: "lineX", brushMode: "single", transformable: false, removeOnClick: true,
        throttleType: "debounce", throttleDelay: 200, brushStyle: { color: "rgba(31,95,168,.18)", borderColor: "#1f5fa8" } },
      toolbox: { show: false },
      series: types.map((type) => ({
        name: type, type: "bar", stack: "all", data: bins.get(type), barCategoryGap: "10%",
        itemStyle: { color: typeColour(type) }, emphasis: { disabled: true },
      })),
    }, { notMerge: true });
    tl.dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "lineX", brushMode: "single" } });
    $("timeline").dataset.keys = String(keys.length);
    tl.off("brushEnd");
    tl.on("brushEnd", (e) => {
      const area = e.areas && e.areas[0];
      if (!area || !area.coordRange) return;
      const [a, b] = area.coordRange;
      const first = keys[Math.max(0, Math.min(a, b))];
      const last = keys[Math.min(keys.length - 1, Math.max(a, b))];
      if (!first || !last) return;
      let since = first, until = last;
      if (step === "week") until = isoDay(dayMs(last) + 6 * DAY);
      if (step === "month") {
        since = first + "-01";
        const end = new Date(dayMs(last + "-01"));
        end.setUTCMonth(end.getUTCMonth() + 1);
        until = isoDay(end.getTime() - DAY);
      }
      setDates(since, until);
    });
  }

  function timelineTip(items, step) {
    const box = el("div", { className: "tip" }, el("strong", null, `${step === "week" ? "week of " : ""}${items[0] ? items[0].name : ""}`));
    for (const item of items) if (item.value) box.append(el("br"), `${item.seriesName}: ${item.value}`);
    return box;
  }

  function renderBar(id, entries, onPick) {
    const top = entries.slice(0, 8).reverse();
    const bar = chart(id);
    bar.setOption({
      animation: false,
      grid: { left: 6, right: 30, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: "item", formatter: (p) => el("div", { className: "tip" }, `${p.name}: ${p.value}`) },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", data: top.map(([k]) => shown(k)), axisLabel: { width: 96, overflow: "truncate", fontSize: 11 },
        axisTick: { show: false } },
      series: [{ type: "bar", data: top.map(([k, v]) => ({ value: v, name: shown(k), key: k, itemStyle: { color: id === "bar-type" ? typeColour(k) : "#5b7fa6" } })),
        label: { show: true, position: "right", fontSize: 11 }, barMaxWidth: 14 }],
    }, { notMerge: true });
    $(id).dataset.keys = JSON.stringify(top.map(([k]) => k).reverse());
    bar.off("click");
    bar.on("click", (p) => onPick(p.data.key));
  }

  function renderBars(counts) {
    renderBar("bar-type", countBy(counts.types), (key) => {
      setFilter(state.view === "acled" ? "acled_event_type" : "plover_type", key);
    });
    renderBar("bar-actor", countBy(counts.actors), (key) => setFilter("actor", key));
    renderBar("bar-admin1", countBy(counts.admin1), (key) => setFilter("admin1", key));
  }

  // ---------- table (DataTables, server-side: the page fetches a page, DataTables draws it) ----------
  // [key, the cells' class, width]: the widths keep the table within its panel (no sideways scrolling).
  const COLUMNS = [
    ["event_date", "date", "84px"], ["event_type", "type", "14%"], ["sub_event_type", "", "13%"], ["actor1", "", "15%"],
    ["actor2", "", "12%"], ["location", "", "13%"], ["iso3", "", "42px"], ["fatalities", "num", "62px"],
    ["report_count", "num", "46px"], ["plover_type", "", "11%"], ["confidence", "num", "46px"],
  ];
  const columnIndex = (key) => COLUMNS.findIndex(([k]) => k === key);

  // A table cell's value from a unit's row (GET /api/incidents): the verbal view shows PLOVER's type and mode
  // in the type columns and the claimant in the PLOVER column.
  function cellValue(row, key) {
    const verbal = state.view === "verbal";
    if (key === "event_date") return row.date_start;
    if (key === "event_type") return verbal ? row.plover_type : row.acled_event_type;
    if (key === "sub_event_type") return verbal ? row.plover_mode : row.acled_sub_event_type;
    if (key === "plover_type") {
      if (verbal) return row.claimant;
      return row.plover_type ? row.plover_type + (row.plover_mode ? " / " + row.plover_mode : "") : null;
    }
    if (key === "location") return [row.location, row.admin1].filter(Boolean).join(", ") || null;
    if (key === "iso3") return row.country;
    if (key === "fatalities") return row.fatalities ?? 0;
    if (key === "report_count") return row.n_events;
    if (key === "confidence") return row.confidence === null ? null : row.confidence.toFixed(2);
    return row[key];
  }

  // The API's sort column of a table column (the URL keeps the table's).
  function sortColumn(key) {
    const verbal = state.view === "verbal";
    return {
      event_date: "date_start", event_type: verbal ? "plover_type" : "acled_event_type",
      sub_event_type: verbal ? "plover_mode" : "acled_sub_event_type", plover_type: verbal ? "claimant" : "plover_type",
      iso3: "country", report_count: "n_events",
    }[key] || key;
  }

  // A cell as DOM nodes: DataTables appends a node as it is, where it would parse a string as HTML.
  function cellNodes(row, key) {
    const value = cellValue(row, key);
    const cell = document.createDocumentFragment();
    if (key === "event_type" && value) {
      const dot = el("span", { className: "type-dot" });
      dot.style.background = typeColour(value);
      cell.append(dot);
    }
    cell.append(shown(value ?? ""));
    return cell;
  }

  let table = null;
  let drawing = false;  // renderTable's draw, of the page already fetched

  // DataTables asks for a page: renderTable's draw is given state.rows; a header click or the pager puts its
  // sort and page in the state and fetches that page.
  async function tableAjax(request, callback) {
    if (!drawing) {
      state.sort = `${COLUMNS[request.order[0].column][0]}:${request.order[0].dir}`;
      state.page = request.start / PAGE_SIZE;
      writeUrl();
      try {
        const body = await latest("page", loadPage);
        if (!body) return;
        state.rows = body.rows;
        state.total = body.total;
      } catch (error) {
        showError(error.message);
        return;
      }
    }
    callback({ draw: request.draw, recordsTotal: state.total, recordsFiltered: state.total, data: state.rows });
  }

  function setupTable() {
    const [key, dir] = state.sort.split(":");
    table = new DataTable("#events-table", {
      serverSide: true, ajax: tableAjax, deferLoading: 0, displayStart: state.page * PAGE_SIZE, pageLength: PAGE_SIZE,
      order: [[columnIndex(key), dir]], orderMulti: false, orderClasses: false, searching: false, autoWidth: false,
      typeDetect: false,
      layout: { topStart: null, topEnd: null, bottomStart: "info", bottomEnd: { paging: { buttons: 5 } } },
      language: { info: "_START_–_END_ of _TOTAL_", infoEmpty: "0 of 0", emptyTable: "No events match these filters." },
      columns: COLUMNS.map(([k, className, width]) => ({
        data: null, className, width, render: (row, type) => (type === "display" ? cellNodes(row, k) : ""),
        orderSequence: k === "event_date" || NUMERIC.has(k) ? ["desc", "asc"] : ["asc", "desc"],
      })),
      createdRow: (tr, row) => {
        tr.tabIndex = 0;
        Object.assign(tr.dataset, { eventId: row.event_id, incidentId: row.incident_id || "" });
        if (row.event_id === state.selected) tr.classList.add("selected");
      },
    });
    const openRow = (e) => {
      const tr = e.target.closest("tr[data-event-id]");
      if (tr) openEvent(tr.dataset.eventId);
    };
    $("events-body").addEventListener("click", openRow);
    $("events-body").addEventListener("keydown", (e) => { if (e.key === "Enter") openRow(e); });
  }

  // The table for state.rows, state.sort and state.page (after refresh() or loadTable()).
  function renderTable() {
    const verbal = state.view === "verbal";
    table.column(1).title(verbal ? "PLOVER type" : "Type");
    table.column(2).title(verbal ? "Mode" : "Sub-type");
    table.column(9).title(verbal ? "Claimant" : "PLOVER");
    $("table-caption").textContent = state.unit === "incident"
      ? "Incidents (one row per incident, with its number of reports; open one for its reports)"
      : "Reports (one row per article's event)";
    const [key, dir] = state.sort.split(":");
    drawing = true;
    try {
      table.order([columnIndex(key), dir]).draw(false);
      if (table.page() !== state.page) table.page(state.page).draw(false);  // known once the total is drawn
    } finally {
      drawing = false;
    }
  }

  // ---------- totals ----------
  const unitName = (n) => (state.unit === "incident" ? (n === 1 ? "incident" : "incidents") : n === 1 ? "report" : "reports");

  function renderTotals() {
    const t = state.totals;
    const counts = `${t.fatalities} fatalities · ${t.injured} injured · ${t.abducted} abducted · ${t.arrested} arrested`;
    const totals = $("totals");
    totals.textContent = state.unit === "incident"
      ? `${t.events} ${unitName(t.events)} (${t.reports} reports from ${t.articles} articles) · ${counts}`
      : `${t.events} ${unitName(t.events)} from ${t.articles} articles · ${counts}`;
    totals.dataset.incidents = String(t.events);
    totals.dataset.reports = String(t.reports);
    totals.dataset.fatalities = String(t.fatalities);
  }

  // ---------- detail ----------
  // The detail's fields in pairs, shown side by side (a pair with one value shows "—" for the other; a pair
  // with none is left out), so that a field always sits beside its fellow whatever the width.
  const DETAIL_FIELDS = [
    [["acled_event_type", "ACLED type"], ["acled_sub_event_type", "ACLED sub-type"]],
    [["plover_type", "PLOVER type"], ["plover_mode", "PLOVER mode"]],
    [["actor1", "Actor 1"], ["inter1", "Inter 1"]], [["actor2", "Actor 2"], ["inter2", "Inter 2"]],
    [["date_start", "Date start"], ["date_end", "Date end"]], [["date_precision", "Date precision"], ["status", "Status"]],
    [["location", "Location"], ["location_text", "Place as written"]], [["admin1", "Admin 1"], ["admin2", "Admin 2"]],
    [["latitude", "Latitude"], ["longitude", "Longitude"]], [["country", "Country"], ["geo_precision", "Geo precision"]],
    [["fatalities", "Fatalities"], ["injured", "Injured"]], [["fatalities_low", "Fatalities low"], ["fatalities_high", "Fatalities high"]],
    [["abducted", "Abducted"], ["arrested", "Arrested"]], [["displaced", "Displaced"], ["participants", "Participants"]],
    [["claimant", "Claimant"], ["attribution_text", "Attribution"]], [["confidence", "Confidence"], ["incident_id", "Incident"]],
    [["event_id", "Event id"], ["evidence_start", "Evidence start"]], [["evidence_end", "Evidence end"]],
  ];

  function actorList(refs) {
    return (refs || []).map((a) => a.name + (a.text && a.text !== a.name ? ` ("${a.text}")` : "") +
      (a.sector ? ` [${a.sector}]` : "")).join("; ");
  }

  async function openEvent(eventId) {
    state.selected = eventId;
    writeUrl();
    for (const row of $("events-body").querySelectorAll("tr")) row.classList.toggle("selected", row.dataset.eventId === eventId);
    try {
      const event = await latest("detail", () => api("/api/events/" + encodeURIComponent(eventId)));
      if (event) renderDetail(event);
    } catch (error) {
      showError(error.message);
    }
  }

  function renderDetail(event) {
    const type = event.acled_event_type
      ? `${event.acled_event_type}${event.acled_sub_event_type ? " — " + event.acled_sub_event_type : ""}`
      : `${event.plover_type}${event.plover_mode ? " — " + event.plover_mode : ""} (verbal)`;
    $("detail-title").textContent = shown(type);
    const fields = $("detail-fields");
    fields.replaceChildren();
    const empty = (value) => value === null || value === undefined || value === "";
    const field = (label, value) => el("div", { className: "field" }, el("dt", null, label),
      el("dd", null, empty(value) ? "—" : String(value)));
    const pairs = [...DETAIL_FIELDS.map((pair) => pair.map(([key, label]) => [label, event[key]])),
      [["All actors", actorList(event.event && event.event.actors)],
        ["All recipients", actorList(event.event && event.event.recipients)]]];
    for (const pair of pairs) {
      if (pair.every(([, value]) => empty(value))) continue;
      for (const [label, value] of pair) fields.append(field(label, value));
      if (pair.length === 1) fields.append(el("div", { className: "field" }));
    }

    const article = event.article || {};
    const meta = $("detail-article-meta");
    meta.replaceChildren(
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
    // The selected event's evidence in <mark>; the article's other events underlined (a click opens one).
    const spans = start >= 0 ? [{ start, end, id: event.event_id, current: true }] : [];
    for (const other of article.events || []) {
      const a = other.evidence_start, b = other.evidence_end;
      if (other.event_id === event.event_id || !(a >= 0 && b > a && b <= text.length)) continue;
      if (spans.some((s) => a < s.end && b > s.start)) continue;
      spans.push({ start: a, end: b, id: other.event_id, type: other.acled_event_type || other.plover_type, status: other.status });
    }
    spans.sort((x, y) => x.start - y.start);
    const pieces = [];
    let at = 0;
    for (const span of spans) {
      pieces.push(shown(text.slice(at, span.start)));  // cut at the stored offsets, then drop bidi controls
      if (span.current) pieces.push(el("mark", null, text.slice(span.start, span.end)));
      else {
        const other = el("span", { className: "other-event", tabindex: "0", title: `${span.type} (${span.status}): open this event`,
          dataset: { eventId: span.id } }, text.slice(span.start, span.end));
        other.addEventListener("click", () => openEvent(span.id));
        pieces.push(other);
      }
      at = span.end;
    }
    pieces.push(shown(text.slice(at)));
    $("detail-article").replaceChildren(...pieces);
    state.detail = event;
    renderReview(event);
    renderIncident(event.incident_id, event.event_id);
    const panel = $("detail");
    const wasHidden = panel.hidden;
    panel.hidden = false;
    // Side by side the panel sits under the table; in one column it is below everything, so it is brought in.
    if (wasHidden && window.matchMedia("(max-width: 1100px)").matches) panel.scrollIntoView({ block: "start" });
  }

  // The incident an event reports: its reconciled toll and every report of it (click one to open it).
  async function renderIncident(incidentId, eventId) {
    const section = $("detail-incident");
    if (!incidentId) { section.hidden = true; return; }
    try {
      const incident = await latest("incident", () => api("/api/incidents/" + encodeURIComponent(incidentId)));
      if (!incident) return;
      const type = incident.acled_event_type
        ? `${incident.acled_event_type}${incident.acled_sub_event_type ? " — " + incident.acled_sub_event_type : ""}`
        : `${incident.plover_type || ""} (verbal)`;
      $("detail-incident-head").textContent = shown(`${type} · ${[incident.location, incident.admin1, incident.country]
        .filter(Boolean).join(", ") || "no place"} · ${incident.date_start || "undated"}` +
        (incident.date_end && incident.date_end !== incident.date_start ? ` to ${incident.date_end}` : ""));
      $("detail-incident-summary").textContent = shown(`${incident.n_reports} report${incident.n_reports === 1 ? "" : "s"} from ` +
        `${incident.sources.join("; ") || "unknown sources"} · ${incident.fatalities_best ?? 0} fatalities ` +
        `(the largest credible figure of the reports)`);
      const list = $("detail-reports");
      list.replaceChildren();
      for (const report of incident.reports) {
        const item = el("li", { tabindex: "0", dataset: { eventId: report.event_id } },
          el("bdi", null, report.source || report.title || report.article_id),
          ` · ${report.date_start || "undated"} · ${report.acled_sub_event_type || report.plover_type || ""} · ` +
          `${report.fatalities ?? "no"} killed: `,
          el("q", { dir: "auto" }, report.evidence_text));
        if (report.event_id === eventId) item.classList.add("selected");
        if (reviewing() && incident.reports.length > 1) {
          const pick = el("input", { type: "checkbox", className: "split-pick", title: "split this report off",
            "aria-label": "split this report off", dataset: { eventId: report.event_id } });
          pick.addEventListener("click", (e) => e.stopPropagation());
          item.prepend(pick);
        }
        item.addEventListener("click", () => openEvent(report.event_id));
        item.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvent(report.event_id); });
        list.append(item);
      }
      section.hidden = false;
    } catch (error) {
      showError(error.message);
    }
  }

  // ---------- review in place (behind the write token) ----------
  // The fields a reviewer corrects in the detail view: [column, label, kind]; kind "acled"/"sub"/"plover"/"status"
  // are selects filled from /api/meta, "count" and "inter" whole numbers, "lat"/"lon" degrees, "date" a date.
  const REVIEW_FIELDS = [
    ["acled_event_type", "ACLED type", "acled"], ["acled_sub_event_type", "ACLED sub-type", "sub"],
    ["plover_type", "PLOVER type", "plover"], ["plover_mode", "PLOVER mode", "text"],
    ["actor1", "Actor 1", "text"], ["inter1", "Inter 1 (0-8)", "inter"],
    ["actor2", "Actor 2", "text"], ["inter2", "Inter 2 (0-8)", "inter"],
    ["location", "Location", "text"], ["admin1", "Admin 1", "text"], ["country", "Country (ISO3)", "text"],
    ["latitude", "Latitude", "lat"], ["longitude", "Longitude", "lon"],
    ["date_start", "Date start", "date"], ["date_end", "Date end", "date"],
    ["fatalities", "Fatalities", "count"], ["injured", "Injured", "count"], ["abducted", "Abducted", "count"],
    ["arrested", "Arrested", "count"], ["displaced", "Displaced", "count"], ["status", "Status", "status"],
  ];
  const WHOLE = new Set(["count", "inter"]);  // whole numbers; "lat" and "lon" are decimal degrees
  const reviewing = () => Boolean(state.token);

  // A review request: the body as JSON; a failure as one line (the API's 401/503/400/404 message).
  async function write(method, path, body) {
    const response = await fetch(path, {
      method, headers: { ...authHeaders("application/json"), "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof answer.detail === "string" ? answer.detail : "HTTP " + response.status;
      const prefix = response.status === 401 ? "Token refused: " : response.status === 503 ? "Review unavailable: " : "Review failed: ";
      throw new Error(prefix + detail);
    }
    return answer;
  }

  function reviewError(message) {
    const line = $("review-error");
    line.textContent = shown(message || "");
    line.title = line.textContent;
  }

  // Runs a review action, then reloads the rows (totals, table, map) and the detail (its audit trail).
  async function review(action) {
    if (!reviewing()) { reviewError("Enter the API token (Review token) to review."); return false; }
    reviewError("");
    const note = $("rv-note").value.trim();
    try {
      await action(note ? { note } : {});
    } catch (error) {
      reviewError(error.message);
      return false;
    }
    $("rv-note").value = "";
    await refresh();
    if (state.selected) await openEvent(state.selected);
    return true;
  }

  const eventPath = (id) => "/api/events/" + encodeURIComponent(id);
  const decide = (decision) => review((body) => write("POST", `${eventPath(state.selected)}/${decision}`, body));

  function reviewFormFields() {
    const box = $("rv-fields");
    if (box.childElementCount) return;
    for (const [key, label, kind] of REVIEW_FIELDS) {
      let input;
      const choices = { acled: state.meta.acled_event_types, sub: state.meta.acled_sub_event_types,
        plover: state.meta.plover_types, status: state.meta.statuses }[kind];
      if (choices) {
        input = el("select", { id: "rv-" + key, name: key });
        if (kind === "acled" || kind === "sub") input.append(el("option", { value: "" }, "(none)"));
        for (const value of choices) input.append(el("option", { value: value.value ?? value }, value.label ?? value));
      } else {
        const type = kind === "date" ? "date" : kind === "text" ? "text" : "number";
        input = el("input", { id: "rv-" + key, name: key, type });
        if (kind === "count") { input.min = "0"; input.step = "1"; }
        else if (kind === "inter") { input.min = "0"; input.max = "8"; input.step = "1"; }
        else if (kind === "lat" || kind === "lon") {
          const limit = kind === "lat" ? "90" : "180";
          input.min = "-" + limit; input.max = limit; input.step = "any";
        } else if (kind === "text") input.maxLength = 500;
      }
      box.append(el("label", null, label, input));
    }
  }

  function fillReviewForm(event) {
    reviewFormFields();
    for (const [key] of REVIEW_FIELDS) {
      const value = event[key];
      $("rv-" + key).value = value === null || value === undefined ? "" : String(value);
      $("rv-" + key).dataset.before = $("rv-" + key).value;
    }
  }

  function toggleEdit(open) {
    const form = $("rv-form");
    form.hidden = open === undefined ? !form.hidden : !open;
    $("rv-edit").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) $("rv-" + REVIEW_FIELDS[0][0]).focus();
  }

  async function saveCorrections(e) {
    e.preventDefault();
    const fields = {};
    for (const [key, , kind] of REVIEW_FIELDS) {
      const input = $("rv-" + key);
      const value = input.value.trim();
      if (value === input.dataset.before) continue;
      const number = WHOLE.has(kind) ? /^\d+$/.test(value) : (kind === "lat" || kind === "lon") && Number.isFinite(Number(value));
      fields[key] = value === "" ? null : number ? Number(value) : value;
    }
    if (!Object.keys(fields).length) { reviewError("Nothing changed."); return; }
    if (await review((body) => write("PATCH", eventPath(state.selected), { ...body, fields }))) toggleEdit(false);
  }

  function historyLine(entry) {
    const value = (v) => (v === null || v === undefined ? "∅" : typeof v === "string" ? v : JSON.stringify(v));
    const what = entry.field === "review_status" ? `${entry.action}: ${value(entry.before)} → ${value(entry.after)}`
      : `${entry.action} ${entry.field}: ${value(entry.before)} → ${value(entry.after)}`;
    return `${String(entry.changed_at || "").replace("T", " ").slice(0, 19)} · ${entry.changed_by} · ${what}` +
      (entry.target === "incident" ? ` (incident ${entry.target_id})` : "") + (entry.note ? ` — “${entry.note}”` : "");
  }

  function renderReview(event) {
    const info = event.review || {};
    const history = info.history || [];
    $("detail-history").replaceChildren(...(history.length
      ? [...history].reverse().map((entry) => el("li", { dataset: { action: entry.action, field: entry.field || "" } }, historyLine(entry)))
      : [el("li", { className: "hint" }, "not reviewed yet")]));
    const panel = $("review-panel");
    panel.hidden = !reviewing();
    if (panel.hidden) return;
    const status = info.review_status || "unreviewed";
    $("review-state").textContent = `(${status}${typeof event.confidence === "number" ? ` · confidence ${event.confidence}` : ""})`;
    $("review-panel").dataset.reviewStatus = status;
    $("rv-restore").hidden = status !== "rejected";
    $("rv-reject").hidden = status === "rejected";
    $("rv-merge").disabled = $("rv-split").disabled = !event.incident_id;
    fillReviewForm(event);
  }

  // ---------- the review queue: the view's units, lowest confidence first ----------
  // The queue is the view's units sorted by the server, lowest confidence first: position N is row N of that
  // order, on page N / PAGE_SIZE.
  function queueRow() {
    const onPage = state.sort === "confidence:asc" && state.page === Math.floor(state.queue / PAGE_SIZE);
    return onPage ? state.rows[state.queue % PAGE_SIZE] : undefined;
  }

  function renderQueue() {
    $("queue-bar").hidden = !reviewing();
    const on = state.queue !== null && reviewing();
    $("queue-start").textContent = on ? "Leave queue" : "Review queue";
    $("queue-bar").dataset.position = on ? String(state.queue) : "";
    if (!on) { $("queue-info").textContent = ""; return; }
    const row = queueRow();
    const n = state.totals.events || 0;
    $("queue-info").textContent = n
      ? `${state.queue + 1} of ${n} · confidence ${row && row.confidence !== null ? row.confidence : "?"}`
      : "queue empty";
  }

  async function queueGo(position) {
    const n = state.totals.events || 0;
    if (!n) { state.queue = 0; renderQueue(); writeUrl(); return; }
    state.queue = Math.max(0, Math.min(position, n - 1));
    state.sort = "confidence:asc";
    state.page = Math.floor(state.queue / PAGE_SIZE);
    await loadTable();
    const row = queueRow();
    if (!row) return;
    state.selected = row.event_id;
    renderQueue();
    await openEvent(state.selected);
  }

  function leaveQueue() { state.queue = null; renderQueue(); writeUrl(); }

  async function queueDecide(decision) {
    if (!state.selected) return;
    const position = state.queue;
    if (await decide(decision) && position !== null) {
      // A rejected unit leaves the rows, so the next one takes its place; a confirmed one stays.
      await queueGo(decision === "reject" ? position : position + 1);
    }
  }

  function onShortcut(e) {
    if (!reviewing() || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      if (e.key === "Escape" && target.form === $("rv-form")) toggleEdit(false);
      return;
    }
    const actions = {
      j: () => queueGo(state.queue === null ? 0 : state.queue + 1),
      k: () => queueGo(state.queue === null ? 0 : state.queue - 1),
      c: () => queueDecide("confirm"),
      x: () => queueDecide("reject"),
      e: () => { if (state.selected && !$("detail").hidden) toggleEdit(true); },
      Escape: () => leaveQueue(),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  function setupReview() {
    $("rv-confirm").addEventListener("click", () => queueDecide("confirm"));
    $("rv-reject").addEventListener("click", () => queueDecide("reject"));
    $("rv-restore").addEventListener("click", () => decide("restore"));
    $("rv-edit").addEventListener("click", () => toggleEdit());
    $("rv-cancel").addEventListener("click", () => toggleEdit(false));
    $("rv-form").addEventListener("submit", saveCorrections);
    $("rv-merge").addEventListener("click", () => {
      const other = $("rv-merge-id").value.trim();
      const current = state.detail && state.detail.incident_id;
      if (!other || !current) { reviewError("Give the id of the incident to merge with."); return; }
      review((body) => write("POST", "/api/incidents/merge", { ...body, incident_ids: [current, other] }))
        .then((done) => { if (done) $("rv-merge-id").value = ""; });
    });
    $("rv-split").addEventListener("click", () => {
      const current = state.detail && state.detail.incident_id;
      const picked = [...document.querySelectorAll("#detail-reports .split-pick:checked")].map((box) => box.dataset.eventId);
      if (!current || !picked.length) { reviewError("Tick the reports to split off."); return; }
      review((body) => write("POST", `/api/incidents/${encodeURIComponent(current)}/split`, { ...body, event_ids: picked }));
    });
    $("queue-start").addEventListener("click", () => (state.queue === null ? queueGo(0) : leaveQueue()));
    document.addEventListener("keydown", onShortcut);
  }

  // ---------- filters, exports ----------
  function fillSelect(select, values, keep = true) {
    const current = select.value;
    const first = keep ? select.querySelector("option") : null;
    select.replaceChildren(...(first ? [first] : []));
    for (const value of values) select.append(el("option", { value: value.value ?? value }, value.label ?? value));
    select.value = current;
  }

  async function loadMeta() {
    const meta = await api("/api/meta");
    state.meta = meta;
    fillSelect($("f-type"), meta.plover_types);
    fillSelect($("f-acled"), meta.acled_event_types);
    fillSelect($("f-sub"), meta.acled_sub_event_types);
    fillSelect($("f-status"), meta.statuses, false);
    fillSelect($("f-country"), meta.countries);
    $("admin1-list").replaceChildren(...meta.admin1.map((name) => el("option", { value: name })));
  }

  function updateExportLinks() {
    for (const format of ["csv", "geojson", "parquet"]) {
      $("export-" + format).href = "/api/export?" + queryString({ ...exportParams(), format });
    }
  }

  async function downloadWithToken(e) {
    if (!state.token) return;
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

  function setFilter(key, value) {
    state.filters[key] = value;
    state.page = 0;
    writeForm();
    refresh();
  }

  function setDates(since, until) {
    state.filters.since = since || undefined;
    state.filters.until = until || undefined;
    state.page = 0;
    writeForm();
    refresh();
  }

  // The table's page again (a sort, a page, the queue): the rows and their total.
  async function loadTable() {
    try {
      const body = await latest("page", loadPage);
      if (!body) return;
      state.rows = body.rows;
      state.total = body.total;
      renderTable();
    } catch (error) {
      showError(error.message);
    }
  }

  // Everything again for the view: the counts and the table's page, then (once the units' extent and dates
  // are known) the map's cells and the timeline; the page marks `dashboard-render` when all are drawn and
  // `dashboard-painted` a frame later, once the browser has laid them out and painted them.
  let refreshes = 0;
  async function refresh() {
    const id = ++refreshes;
    const root = document.documentElement;
    root.dataset.busy = "true";
    showError("");
    writeUrl();
    updateExportLinks();
    try {
      // The cells of the map's expected view come with the counts (unless the map is yet to be fitted the first
      // time); they are asked again only when fitting the map to the new units showed another view.
      const expected = expectedView();
      const first = id === 1;
      let [counts, page, cells] = await Promise.all([loadCounts(), loadPage(), first ? null : loadCells(expected)]);
      if (id !== refreshes) return;
      if (!page.rows.length && page.total && state.page) {  // a page beyond the last: the last
        state.page = Math.floor((page.total - 1) / PAGE_SIZE);
        writeUrl();
        page = await loadPage();
      }
      state.totals = counts.totals;
      state.extent = counts.extent;
      renderLegend(counts.types);  // before fitting: the map keeps its markers clear of the legend
      fitMap();
      if (!cells || map.leaflet.getZoom() !== expected.zoom || !expected.bounds.pad(0.25).contains(map.leaflet.getBounds())) {
        cells = await loadCells();
        if (id !== refreshes) return;
      }
      state.rows = page.rows;
      state.total = page.total;
      state.timeline = { ...timelineBins(counts.extent.dates, counts.period), buckets: counts.timeline };
      renderTotals();
      renderTable();
      drawCells(cells);
      renderTimeline(state.timeline);
      renderBars(counts);
      renderQueue();
      root.dataset.renders = String(Number(root.dataset.renders || 0) + 1);
      performance.mark("dashboard-render");
      requestAnimationFrame(() => setTimeout(() => performance.mark("dashboard-painted"), 0));
    } catch (error) {
      showError(error.message);
    } finally {
      if (id === refreshes) root.dataset.busy = "false";
    }
  }

  function setupControls() {
    const form = $("filters");
    let timer = null;
    const apply = () => { readForm(); state.page = 0; writeForm(); refresh(); };
    form.addEventListener("change", (e) => { if (e.target.type !== "search") apply(); });
    form.addEventListener("input", (e) => {
      if (e.target.type !== "search") return;
      clearTimeout(timer);
      timer = setTimeout(apply, 350);
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("reset", () => {
      setTimeout(() => {
        state.filters = { status: "occurred" };
        map.shownBbox = undefined;
        state.conf = "";
        state.page = 0;
        writeForm();
        refresh();
      }, 0);
    });
    for (const button of document.querySelectorAll(".tab")) {
      button.addEventListener("click", () => {
        if (button.dataset.view) state.view = button.dataset.view;
        if (button.dataset.unit) state.unit = button.dataset.unit;
        if (state.view === "verbal") { delete state.filters.acled_event_type; delete state.filters.acled_sub_event_type; }
        state.page = 0;
        writeForm();
        refresh();
      });
    }
    $("tl-metric").addEventListener("change", () => { state.metric = $("tl-metric").value; writeUrl(); renderTimeline(state.timeline); });
    $("brush-clear").addEventListener("click", () => setDates(null, null));
    $("f-extent").addEventListener("change", () => {
      if ($("f-extent").checked) state.filters.bbox = mapBbox();
      else delete state.filters.bbox;
      map.shownBbox = state.filters.bbox;
      state.page = 0;
      refresh();
    });
    $("detail-close").addEventListener("click", () => { $("detail").hidden = true; state.selected = null; writeUrl(); });
    $("legend-toggle").addEventListener("click", () => {
      const open = $("legend").hidden;
      $("legend").hidden = !open;
      $("legend-toggle").setAttribute("aria-expanded", String(open));
    });
    $("copy-link").addEventListener("click", () => {
      if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(() => {});
      showError("");
      $("status-line").textContent = "Link to this view: " + location.href;
    });
    for (const format of ["csv", "geojson", "parquet"]) $("export-" + format).addEventListener("click", downloadWithToken);
    // The token is entered once in the page and kept in sessionStorage (this tab only), never in the URL.
    $("token-open").addEventListener("click", () => { $("token-box").hidden = !$("token-box").hidden; $("token-input").focus(); });
    const saveToken = () => {
      state.token = $("token-input").value.trim();
      $("token-input").value = "";
      if (state.token) sessionStorage.setItem("observatory-token", state.token);
      else sessionStorage.removeItem("observatory-token");
      $("token-box").hidden = true;
      reviewError("");
      start();
    };
    $("token-save").addEventListener("click", saveToken);
    $("token-input").addEventListener("keydown", (e) => { if (e.key === "Enter") saveToken(); });
    $("token-forget").addEventListener("click", () => { $("token-input").value = ""; state.queue = null; saveToken(); });
    setupReview();
    window.addEventListener("resize", () => { for (const c of Object.values(charts)) c.resize(); });
  }

  async function start() {
    try {
      await loadMeta();
    } catch (error) {
      showError(error.message);
      return;
    }
    writeForm();
    await refresh();
    if (state.queue !== null && state.token) await queueGo(state.queue);
    else if (state.selected) await openEvent(state.selected);
    else renderQueue();
  }

  if (typeof L === "undefined" || typeof echarts === "undefined" || !L.markerClusterGroup || typeof DataTable === "undefined") {
    showError("The dashboard's libraries are missing: run `bash scripts/install.sh` (it installs them with npm).");
    return;
  }
  readUrl();
  setupTable();
  setupControls();
  if ($("map").clientWidth < 520) { $("legend").hidden = true; $("legend-toggle").setAttribute("aria-expanded", "false"); }
  const mapReady = setupMap();
  Promise.all([mapReady, start()]).then(() => {
    performance.mark("dashboard-ready");
    document.documentElement.dataset.ready = "true";
  });
})();
