// The Skyport dashboard: the user's jobs, a job's details, output and files, the timetable as a
// Gantt chart and the spend, through the generated TypeScript client (compiled to client/terminal/).
// The browser's session cookie authenticates every request; the page follows the daemon's event
// stream and polls only while the stream is down.
import * as api from "./client/terminal/index.js";

const client = new api.Client({ baseUrl: location.origin });
const POLL_MS = 5000; // while the event stream is down
const LOG_TAIL = 200; // lines of standard output shown
const STATES = ["Q", "W", "R", "T", "F", "E", "C"];
const PENDING = new Set(["Q", "W"]);
const ENDED = new Set(["F", "E", "C"]);

const jobs = new Map(); // by ID
let timetable = [];
let view = () => {};
let follower = null; // the job whose page follows its output

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

function money(value) {
  return value === undefined || value === null ? "" : `$${Number(value).toFixed(4)}`;
}

function problem(error) {
  return el("p", { class: "error" }, error instanceof api.ApiError ? `${error.status}: ${error.detail}` : String(error));
}

function render(...nodes) {
  document.getElementById("view").replaceChildren(...nodes);
}

async function loadJobs() {
  const listed = await api.listJobs(client, { limit: 1000 });
  jobs.clear();
  for (const job of listed) jobs.set(job.id, job);
}

async function loadTimetable() {
  timetable = await api.getTimetable(client);
}

// Jobs: a table with filters by state, site and name; a click opens the job.
const filters = { state: "", site: "", name: "" };

function jobsView() {
  const state = el("select", { id: "filter-state" }, el("option", { value: "" }, "any state"));
  for (const letter of STATES) state.append(el("option", { value: letter }, letter));
  const site = el("select", { id: "filter-site" }, el("option", { value: "" }, "any site"));
  const name = el("input", { id: "filter-name", placeholder: "name contains", value: filters.name });
  state.value = filters.state;
  const body = el("tbody");
  // Only the rows and the sites change as jobs do: the filters keep their focus and values.
  const fill = () => {
    const sites = [...new Set([...jobs.values()].map((job) => job.remote_name).filter(Boolean))].sort();
    site.replaceChildren(el("option", { value: "" }, "any site"), ...sites.map((n) => el("option", { value: n }, n)));
    site.value = sites.includes(filters.site) ? filters.site : "";
    const shown = [...jobs.values()]
      .filter((job) => !filters.state || job.state === filters.state)
      .filter((job) => !filters.site || job.remote_name === filters.site)
      .filter((job) => !filters.name || (job.name ?? "").includes(filters.name))
      .sort((a, b) => (b.submit_time ?? "").localeCompare(a.submit_time ?? ""));
    body.replaceChildren(
      ...shown.map((job) => {
        const row = el(
          "tr",
          { class: "job", "data-job": job.id, "data-state": job.state },
          el("td", {}, job.id.slice(0, 8)),
          el("td", {}, job.name ?? ""),
          el("td", { class: "state" }, job.state),
          el("td", {}, job.remote_name ?? job.placement ?? ""),
          el("td", {}, when(job.submit_time)),
          el("td", {}, money(job.cost ?? job.estimated_cost)),
          el("td", {}, job.state_details ?? ""),
        );
        row.addEventListener("click", () => (location.hash = `#job/${job.id}`));
        return row;
      }),
    );
  };
  const changed = () => {
    Object.assign(filters, { state: state.value, site: site.value, name: name.value });
    fill();
  };
  for (const input of [state, site]) input.addEventListener("change", changed);
  name.addEventListener("input", changed);
  fill();
  const head = el("tr", {}, ...["ID", "NAME", "ST", "SITE", "SUBMITTED", "COST", "DETAILS"].map((h) => el("th", {}, h)));
  render(
    el("h1", {}, "Jobs"),
    el("div", { class: "filters" }, state, site, name),
    el("table", { id: "jobs" }, el("thead", {}, head), body),
  );
  return fill;
}

// A job: its fields, the tail of its standard output (followed while it runs) and its files.
function jobView(id) {
  const details = el("dl", { id: "job-fields" });
  const log = el("pre", { class: "log", id: "stdout" });
  const files = el("ul", { id: "files" });
  const title = el("h1", {}, "Job");
  render(title, el("p", {}, el("a", { href: "#jobs" }, "all jobs")), details, el("h2", {}, "Output"), log,
    el("h2", {}, "Files"), files);
  follower = { id, offset: 0, text: "", title, details, log, files };
  return updateJob(follower);
}

async function updateJob(followed) {
  let job;
  try {
    job = await api.getJob(client, { jobId: followed.id });
  } catch (error) {
    followed.details.replaceChildren(problem(error));
    return;
  }
  if (followed !== follower) return;
  jobs.set(job.id, job);
  followed.title.textContent = `Job ${job.name ?? job.id}`;
  const fields = [
    ["ID", job.id],
    ["Name", job.name],
    ["State", job.state],
    ["Details", job.state_details],
    ["Site", job.remote_name],
    ["Flavor", job.flavor_name],
    ["Nodes", (job.node_names ?? []).join(" ")],
    ["Account", job.account],
    ["Submitted", when(job.submit_time)],
    ["Started", when(job.start_time)],
    ["Ended", when(job.end_time)],
    ["Planned start", when(job.planned_start_time)],
    ["Placement", job.placement],
    ["Cost", money(job.cost ?? job.estimated_cost)],
    ["Exit code", job.exitcode],
  ].filter(([, value]) => value !== undefined && value !== "");
  followed.details.replaceChildren(
    ...fields.flatMap(([key, value]) => [el("dt", {}, key), el("dd", { "data-field": key }, value)]),
  );
  try {
    const more = await (await api.jobStdout(client, { jobId: followed.id, offset: followed.offset })).text();
    followed.offset += new TextEncoder().encode(more).length;
    followed.text = (followed.text + more).split("\n").slice(-LOG_TAIL).join("\n");
    followed.log.textContent = followed.text;
  } catch (error) {
    followed.log.textContent = error instanceof api.ApiError ? error.detail : String(error);
  }
  try {
    const listed = await api.listJobFiles(client, { jobId: followed.id });
    followed.files.replaceChildren(
      ...listed.map((file) => {
        const link = el("a", { href: "#", "data-file": file.name }, `${file.name} (${file.size} bytes)`);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          download(followed.id, file.name);
        });
        return el("li", {}, link);
      }),
    );
  } catch (error) {
    followed.files.replaceChildren(el("li", { class: "error" }, String(error)));
  }
}

async function download(id, name) {
  const blob = await api.downloadJobFile(client, { jobId: id, name });
  const link = el("a", { href: URL.createObjectURL(blob), download: name.split("/").pop() });
  link.click();
  URL.revokeObjectURL(link.href);
}

// The timetable as a Gantt chart: nodes by site down the side, time across, a line at now,
// running jobs (from their start to their time limit) and planned ones (from the timetable) as bars.
function timetableView() {
  const now = Date.now();
  const bars = [];
  for (const job of jobs.values()) {
    if (job.state !== "R" || !job.start_time) continue;
    const start = Date.parse(job.start_time);
    const end = job.time_limit ? start + job.time_limit * 1000 : Math.max(now, start) + 3600e3;
    for (const node of job.node_names?.length ? job.node_names : ["(node)"]) {
      bars.push({ job, site: job.remote_name ?? "", node, start, end, kind: "R", reason: job.state_details ?? "", cost: job.cost });
    }
  }
  for (const placement of timetable) {
    if (!placement.placed || !placement.start_time) continue;
    const job = jobs.get(placement.job_id) ?? { id: placement.job_id, name: placement.job_name };
    const start = Date.parse(placement.start_time);
    const end = start + (job.time_limit ? job.time_limit * 1000 : 3600e3);
    const where = placement.remote_name ?? "";
    const nodes = placement.node_names?.length
      ? placement.node_names.map((node) => node.replace(`${where}/`, ""))
      : [`new ${placement.flavor_name ?? ""} x${placement.new_nodes ?? 1}`];
    for (const node of nodes) {
      bars.push({
        job, site: where, node, start, end, kind: "planned",
        reason: placement.reason ?? "", cost: placement.estimated_cost,
      });
    }
  }
  // Jobs sharing a node at the same time (a CPU each, say) get a lane each in the node's row.
  const lanes = new Map();
  for (const bar of bars.sort((a, b) => a.start - b.start)) {
    const ends = lanes.get(`${bar.site}\u0000${bar.node}`) ?? [];
    bar.lane = ends.findIndex((end) => end <= bar.start);
    if (bar.lane < 0) bar.lane = ends.length;
    ends[bar.lane] = bar.end;
    lanes.set(`${bar.site}\u0000${bar.node}`, ends);
  }
  const rows = [...lanes.keys()].sort().flatMap((key) => lanes.get(key).map((_, lane) => `${key}\u0000${lane}`));
  const from = Math.min(now - 600e3, ...bars.map((bar) => bar.start));
  const to = Math.max(now + 3600e3, ...bars.map((bar) => bar.end));
  const left = 220, width = 900, rowHeight = 24, top = 24;
  const x = (time) => left + ((time - from) / (to - from)) * width;
  const chart = svg("svg", {
    id: "gantt", width: left + width + 20, height: top + rowHeight * Math.max(rows.length, 1) + 10,
    role: "img", "aria-label": "timetable",
  });
  for (let tick = 0; tick <= 6; tick++) {
    const time = from + ((to - from) * tick) / 6;
    chart.append(
      svg("line", { class: "grid", x1: x(time), x2: x(time), y1: top - 4, y2: top + rowHeight * rows.length }),
      svg("text", { x: x(time) - 20, y: 14 }, new Date(time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })),
    );
  }
  let site = null;
  rows.forEach((row, index) => {
    const [rowSite, node, lane] = row.split("\u0000");
    const y = top + index * rowHeight;
    if (rowSite !== site) chart.append(svg("text", { class: "site", x: 4, y: y + 16 }, rowSite || "(site)"));
    site = rowSite;
    if (lane === "0") chart.append(svg("text", { x: 90, y: y + 16 }, node));
  });
  for (const bar of bars) {
    const y = top + rows.indexOf(`${bar.site}\u0000${bar.node}\u0000${bar.lane}`) * rowHeight;
    const title = `${bar.job.name ?? ""} ${bar.job.id.slice(0, 8)} (${bar.kind === "R" ? "running" : "planned"})\n${bar.reason}\ncost: ${money(bar.cost)}`;
    const rect = svg(
      "rect",
      {
        class: `bar-${bar.kind}`, "data-job": bar.job.id, x: x(bar.start), y: y + 3,
        width: Math.max(2, x(bar.end) - x(bar.start)), height: rowHeight - 6, rx: 3,
      },
      svg("title", {}, title),
    );
    rect.addEventListener("click", () => (location.hash = `#job/${bar.job.id}`));
    chart.append(rect);
  }
  chart.append(svg("line", { class: "now", x1: x(now), x2: x(now), y1: top - 8, y2: top + rowHeight * rows.length }));
  const unplaced = timetable.filter((placement) => !placement.placed);
  render(
    el("h1", {}, "Timetable"),
    chart,
    unplaced.length ? el("h2", {}, "Not placed") : "",
    el("ul", {}, ...unplaced.map((p) => el("li", {}, `${p.job_name ?? p.job_id}: ${p.reason ?? ""}`))),
  );
}

// Spend: the cost of ended jobs by day, stacked by site and by account, and totals by site and by
// account (GET /user/usage/totals, split by the second key).
const PALETTE = ["#3a7bd5", "#e8a33d", "#4caf7a", "#c2555a", "#8e6bbf", "#5bb8c9", "#9a8b5a"];

function stackedDays(id, what, totals) {
  const days = [...new Set(totals.map((total) => total.key))].sort();
  const parts = [...new Set(totals.map((total) => total.split_key))].sort();
  const sums = days.map((day) => totals.filter((total) => total.key === day).reduce((sum, total) => sum + total.cost, 0));
  const most = Math.max(1e-9, ...sums);
  const chart = svg("svg", {
    id, width: 60 + days.length * 30 + 200, height: 180 + Math.max(0, parts.length * 16 - 140), role: "img",
    "aria-label": `spend by day and ${what}`,
  });
  days.forEach((day, index) => {
    let y = 140;
    parts.forEach((part, which) => {
      const total = totals.find((t) => t.key === day && t.split_key === part);
      if (!total) return;
      const height = (total.cost / most) * 130;
      y -= height;
      chart.append(
        svg("rect", { x: 30 + index * 30, y, width: 22, height, fill: PALETTE[which % PALETTE.length], "data-day": day, [`data-${what}`]: part },
          svg("title", {}, `${day}, ${what} ${part || "(none)"}: ${money(total.cost)}, ${total.jobs} jobs`)),
      );
    });
    chart.append(svg("text", { x: 30 + index * 30, y: 158 }, day.slice(5)));
  });
  parts.forEach((part, which) => {
    const x = 50 + days.length * 30, y = 20 + which * 16;
    chart.append(
      svg("rect", { x, y: y - 10, width: 10, height: 10, fill: PALETTE[which % PALETTE.length], class: "key" }),
      svg("text", { x: x + 14, y }, part || "(none)"),
    );
  });
  return chart;
}

async function spendView() {
  const since = new Date(Date.now() - 30 * 86400e3).toISOString();
  let sites, accounts, siteDays, accountDays;
  try {
    [sites, accounts, siteDays, accountDays] = await Promise.all([
      api.usageTotals(client, { by: "site", since }),
      api.usageTotals(client, { by: "account", since }),
      api.usageTotals(client, { by: "day", split: "site", since }),
      api.usageTotals(client, { by: "day", split: "account", since }),
    ]);
  } catch (error) {
    render(el("h1", {}, "Spend"), problem(error));
    return;
  }
  const table = (title, rows) =>
    el("table", { id: `spend-${title}` },
      el("thead", {}, el("tr", {}, el("th", {}, title), el("th", {}, "JOBS"), el("th", {}, "COST"))),
      el("tbody", {}, ...rows.map((t) => el("tr", {}, el("td", {}, t.key), el("td", {}, t.jobs), el("td", {}, money(t.cost))))));
  render(
    el("h1", {}, "Spend, last 30 days"),
    el("h2", {}, "By site"),
    stackedDays("spend-days-site", "site", siteDays),
    table("site", sites),
    el("h2", {}, "By account"),
    stackedDays("spend-days-account", "account", accountDays),
    table("account", accounts),
  );
}

async function route() {
  const [page, id] = location.hash.replace(/^#/, "").split("/");
  follower = null;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("here", link.id === `nav-${page || "jobs"}`);
  if (page === "job" && id) {
    view = () => updateJob(follower);
    await jobView(id);
  } else if (page === "timetable") {
    view = timetableView;
    await loadTimetable();
    timetableView();
  } else if (page === "spend") {
    view = spendView;
    await spendView();
  } else {
    view = jobsView();
  }
}

// Live: each event of the stream updates its job and the timetable, then the page shown.
let refreshing = null;

function refreshSoon() {
  refreshing ??= new Promise((done) => setTimeout(done, 300))
    .then(() => Promise.all([loadJobs(), loadTimetable()]))
    .then(() => view())
    .catch(() => {})
    .finally(() => (refreshing = null));
}

function setLive(on) {
  const live = document.getElementById("live");
  live.className = on ? "on" : "off";
  live.textContent = on ? "live" : "polling";
}

async function follow() {
  let last;
  for (;;) {
    try {
      // The last stored event first (tail 1): the stream is live once an event came through it.
      for await (const event of api.streamEvents(client, { follow: true, tail: 1, lastEventId: last })) {
        last = String(event.id);
        setLive(true);
        refreshSoon();
      }
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) {
        setLive(false);
        render(el("h1", {}, "Logged out"), problem(error));
        return;
      }
    }
    setLive(false);
    refreshSoon();
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

window.addEventListener("hashchange", route);
try {
  await Promise.all([loadJobs(), loadTimetable()]);
  await route();
  follow();
} catch (error) {
  render(el("h1", {}, "Skyport"), problem(error));
}
