-- paperwatch.digest: how a digest reads. The host collects the papers
-- (ranked, over the threshold) and calls render(format, d); each format is
-- a template, a function of the prepared digest returning a string:
--
--   pw.digest { ..., templates = { html = function(d) return ... end } }
--
-- or, for every digest, replace pw.digest.templates.text and friends.
-- Formats: text, md, html, json (JSON Feed 1.1) and subject (the mail's
-- subject line). Templates are pure: d in, string out.
local registry = require "paperwatch.registry"
local json = require "paperwatch.json"
local ptime = require "paperwatch.time"

local ABSTRACT_CHARS = 600
local MAX_AUTHORS = 8
local WIDTH = 76

local M = { templates = {} }

-- ---- helpers (pw.digest.*, for templates of your own) --------------------

local HTML_ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                   ['"'] = "&quot;", ["'"] = "&#39;" }

--- Escape text for HTML (element content and quoted attributes).
function M.html_escape(s)
  return (tostring(s or ""):gsub("[&<>\"']", HTML_ESC))
end

--- Escape what Markdown would read as markup.
function M.md_escape(s)
  return (tostring(s or ""):gsub("([\\`*_%[%]<>#|])", "\\%1"))
end

--- At most n characters (bytes, never splitting a UTF-8 character), cut
--- at a word and marked with an ellipsis.
function M.trim(s, n)
  s = tostring(s or "")
  n = n or ABSTRACT_CHARS
  if #s <= n then return s end
  local cut = n
  while cut > 1 and (s:byte(cut + 1) or 0) & 0xC0 == 0x80 do cut = cut - 1 end
  local head = s:sub(1, cut)
  local at_space = head:match("^(.*%S)%s+%S*$")
  if at_space and #at_space > n * 0.6 then head = at_space end
  return head .. "…"
end

--- Wrap text to width columns, each line prefixed by indent.
function M.wrap(s, width, indent)
  width, indent = width or WIDTH, indent or ""
  local out, line = {}, nil
  for word in tostring(s or ""):gmatch("%S+") do
    if line then
      local longer = line .. " " .. word
      if (utf8.len(longer) or #longer) > width then
        out[#out + 1] = line
        line = indent .. word
      else
        line = longer
      end
    else
      line = indent .. word
    end
  end
  out[#out + 1] = line
  return table.concat(out, "\n")
end

--- A local date and time, as the reader's clock shows it.
function M.date(t)
  return os.date("%Y-%m-%d %H:%M", t)
end

local function score_text(x)
  local s = ("%.2f"):format(x):gsub("%.?0+$", "")
  return s
end

-- A paper's links: abstract page, PDF, code, Hugging Face page.
local function links(p)
  local l = {}
  local function add(label, url)
    if type(url) == "string" and url:match("^https?://") then
      l[#l + 1] = { label = label, url = url }
    end
  end
  add("abstract", p.url)
  add("PDF", p.pdf_url)
  add("code", p.github_repo or p.code_url)
  add("Hugging Face", p.hf_url)
  return l
end

local function authors_text(list)
  local n = #list
  if n == 0 then return "" end
  if n <= MAX_AUTHORS then return table.concat(list, ", ") end
  return table.concat(list, ", ", 1, MAX_AUTHORS - 1)
    .. (", … %d more, %s"):format(n - MAX_AUTHORS, list[n])
end

local function reasons_text(p)
  local out = {}
  for _, r in ipairs(p.reasons or {}) do
    local s = ("%s %s%s"):format(r.rule, r.score >= 0 and "+" or "",
                                 score_text(r.score))
    if r.reason and r.reason ~= "" then s = s .. " (" .. r.reason .. ")" end
    out[#out + 1] = s
  end
  return table.concat(out, "; ")
end

-- The group a paper reads under: its first tag, else the rule that gave it
-- the most, else "Other".
local function group_of(p)
  if p.tags and p.tags[1] then return p.tags[1] end
  local best
  for _, r in ipairs(p.reasons or {}) do
    if r.score > 0 and (not best or r.score > best.score) then best = r end
  end
  return best and best.rule or "Other"
end

--- Add what templates use to the host's digest: per paper rank, summary,
--- authors_text, reasons_text, links, group; d.groups (each { name,
--- papers }, in the order of their best paper), d.count, d.title.
function M.prepare(d)
  local groups, by_name = {}, {}
  for i, p in ipairs(d.papers) do
    p.rank = i
    p.summary = M.trim(p.abstract)
    p.authors_text = authors_text(p.authors or {})
    p.reasons_text = reasons_text(p)
    p.links = links(p)
    p.group = group_of(p)
    local g = by_name[p.group]
    if not g then
      g = { name = p.group, papers = {} }
      by_name[p.group] = g
      groups[#groups + 1] = g
    end
    g.papers[#g.papers + 1] = p
  end
  d.groups = groups
  d.count = #d.papers
  d.grouped = #groups > 1 or (groups[1] and groups[1].name ~= "Other")
  d.title = d.title or "paperwatch digest"
  d.period = ("%s to %s"):format(M.date(d.since), M.date(d["until"]))
  return d
end

local function plural(n, word)
  return ("%d %s%s"):format(n, word, n == 1 and "" or "s")
end

-- ---- subject ---------------------------------------------------------------

function M.templates.subject(d)
  local cfg = registry.digest or {}
  if cfg.subject then return cfg.subject end
  if d.count == 0 then return "paperwatch: no new papers" end
  return ("paperwatch: %s — %s"):format(plural(d.count, "paper"),
                                        M.trim(d.papers[1].title, 90))
end

-- ---- text ------------------------------------------------------------------

local function text_paper(out, p)
  out[#out + 1] = M.wrap(("%d. %s"):format(p.rank, p.title), WIDTH, "")
  if p.authors_text ~= "" then
    out[#out + 1] = M.wrap(p.authors_text, WIDTH, "   ")
  end
  out[#out + 1] = M.wrap(("score %s%s"):format(score_text(p.score),
    p.reasons_text ~= "" and (": " .. p.reasons_text) or ""), WIDTH, "   ")
  if p.summary ~= "" then
    out[#out + 1] = ""
    out[#out + 1] = M.wrap(p.summary, WIDTH, "   ")
  end
  out[#out + 1] = ""
  for _, l in ipairs(p.links) do
    out[#out + 1] = ("   %-13s %s"):format(l.label .. ":", l.url)
  end
  out[#out + 1] = ""
end

function M.templates.text(d)
  local out = { ("%s: %s, %s"):format(d.title, plural(d.count, "paper"),
                                      d.period), "" }
  if d.count == 0 then
    out[#out + 1] = ("No papers scored %s or more in this period.")
      :format(score_text(d.min_score))
    return table.concat(out, "\n") .. "\n"
  end
  for _, g in ipairs(d.groups) do
    if d.grouped then
      out[#out + 1] = ("== %s (%d) =="):format(g.name, #g.papers)
      out[#out + 1] = ""
    end
    for _, p in ipairs(g.papers) do text_paper(out, p) end
  end
  return table.concat(out, "\n")
end

-- ---- Markdown --------------------------------------------------------------

local function md_paper(out, p)
  local title = M.md_escape(p.title)
  if p.links[1] then title = ("[%s](<%s>)"):format(title, p.links[1].url) end
  out[#out + 1] = ("### %d. %s"):format(p.rank, title)
  out[#out + 1] = ""
  local meta = {}
  if p.authors_text ~= "" then meta[#meta + 1] = M.md_escape(p.authors_text) end
  meta[#meta + 1] = ("score **%s**"):format(score_text(p.score))
  out[#out + 1] = table.concat(meta, " · ")
  if p.reasons_text ~= "" then
    out[#out + 1] = ""
    out[#out + 1] = "_" .. M.md_escape(p.reasons_text) .. "_"
  end
  if p.summary ~= "" then
    out[#out + 1] = ""
    out[#out + 1] = M.md_escape(p.summary)
  end
  local l = {}
  for _, x in ipairs(p.links) do l[#l + 1] = ("[%s](<%s>)"):format(x.label, x.url) end
  if #l > 0 then
    out[#out + 1] = ""
    out[#out + 1] = table.concat(l, " · ")
  end
  out[#out + 1] = ""
end

function M.templates.md(d)
  local out = { "# " .. M.md_escape(d.title), "",
                ("_%s, %s_"):format(plural(d.count, "paper"), d.period), "" }
  if d.count == 0 then
    out[#out + 1] = ("No papers scored %s or more in this period.")
      :format(score_text(d.min_score))
    return table.concat(out, "\n") .. "\n"
  end
  for _, g in ipairs(d.groups) do
    if d.grouped then
      out[#out + 1] = "## " .. M.md_escape(g.name)
      out[#out + 1] = ""
    end
    for _, p in ipairs(g.papers) do md_paper(out, p) end
  end
  return table.concat(out, "\n")
end

-- ---- HTML ------------------------------------------------------------------
-- For browsers and mail clients alike: one self-contained page, inline
-- styles (clients drop <style> or <link>), no images or remote resources;
-- a <style> block adds dark colours where prefers-color-scheme is known
-- (its !important beats the inline light ones).

local STYLE = [[
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .pw-body { background: #16181d !important; color: #e3e5e8 !important; }
  .pw-card { background: #1f232a !important; border-color: #343a44 !important; }
  .pw-muted { color: #a4abb6 !important; }
  .pw-title, .pw-title a { color: #8cb4ff !important; }
  .pw-link { color: #8cb4ff !important; border-color: #3b4a66 !important; }
  .pw-group { color: #e3e5e8 !important; border-color: #343a44 !important; }
  .pw-score { background: #2b3a55 !important; color: #cfe0ff !important; }
}
]]

local FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"

local function html_paper(out, p)
  local e = M.html_escape
  local title = e(p.title)
  if p.links[1] then
    title = ('<a href="%s" style="color:#1a4fb5;text-decoration:none">%s</a>')
      :format(e(p.links[1].url), title)
  end
  out[#out + 1] = '<div class="pw-card" style="background:#ffffff;border:1px solid #e1e4e8;'
    .. 'border-radius:8px;padding:16px 18px;margin:0 0 14px 0">'
  out[#out + 1] = ('<div class="pw-title" style="font-size:17px;line-height:1.35;'
    .. 'font-weight:600;color:#1a4fb5;margin:0 0 6px 0">'
    .. '<span class="pw-muted" style="color:#6a737d;font-weight:400">%d.</span> %s</div>')
    :format(p.rank, title)
  if p.authors_text ~= "" then
    out[#out + 1] = ('<div class="pw-muted" style="font-size:13px;color:#586069;'
      .. 'margin:0 0 8px 0">%s</div>'):format(e(p.authors_text))
  end
  out[#out + 1] = ('<div style="font-size:13px;margin:0 0 8px 0">'
    .. '<span class="pw-score" style="display:inline-block;background:#e8f0fe;'
    .. 'color:#174ea6;border-radius:10px;padding:1px 8px;font-weight:600">%s</span>'
    .. '<span class="pw-muted" style="color:#586069"> %s</span></div>')
    :format(score_text(p.score), e(p.reasons_text))
  if p.summary ~= "" then
    out[#out + 1] = ('<div style="font-size:14px;line-height:1.5;margin:0 0 10px 0">%s</div>')
      :format(e(p.summary))
  end
  if #p.links > 0 then
    local l = {}
    for _, x in ipairs(p.links) do
      l[#l + 1] = ('<a class="pw-link" href="%s" style="display:inline-block;'
        .. 'font-size:13px;color:#1a4fb5;text-decoration:none;border:1px solid #c8d3e6;'
        .. 'border-radius:4px;padding:2px 8px;margin:0 6px 4px 0">%s</a>')
        :format(e(x.url), e(x.label))
    end
    out[#out + 1] = "<div>" .. table.concat(l) .. "</div>"
  end
  out[#out + 1] = "</div>"
end

function M.templates.html(d)
  local e = M.html_escape
  local out = {
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="supported-color-schemes" content="light dark">',
    "<title>" .. e(d.title) .. "</title>",
    "<style>" .. STYLE .. "</style></head>",
    '<body class="pw-body" style="margin:0;padding:0;background:#f4f5f7;color:#24292e;'
      .. FONT .. '">',
    '<div class="pw-body" style="background:#f4f5f7;padding:20px 12px">',
    '<div style="max-width:680px;margin:0 auto">',
    ('<h1 style="font-size:22px;margin:0 0 4px 0">%s</h1>'):format(e(d.title)),
    ('<div class="pw-muted" style="font-size:13px;color:#586069;margin:0 0 18px 0">'
      .. '%s · %s</div>'):format(plural(d.count, "paper"), e(d.period)),
  }
  if d.count == 0 then
    out[#out + 1] = ('<p>No papers scored %s or more in this period.</p>')
      :format(score_text(d.min_score))
  end
  for _, g in ipairs(d.groups) do
    if d.grouped then
      out[#out + 1] = ('<h2 class="pw-group" style="font-size:15px;text-transform:uppercase;'
        .. 'letter-spacing:.04em;color:#24292e;border-bottom:1px solid #e1e4e8;'
        .. 'padding:0 0 4px 0;margin:22px 0 12px 0">%s <span class="pw-muted" '
        .. 'style="color:#6a737d;font-weight:400">%d</span></h2>'):format(e(g.name), #g.papers)
    end
    for _, p in ipairs(g.papers) do html_paper(out, p) end
  end
  out[#out + 1] = '<div class="pw-muted" style="font-size:12px;color:#6a737d;'
    .. 'margin:18px 0 0 0">Sent by paperwatch.</div>'
  out[#out + 1] = "</div></div></body></html>"
  return table.concat(out, "\n") .. "\n"
end

-- ---- JSON Feed 1.1 ---------------------------------------------------------

function M.templates.json(d)
  local items = {}
  for _, p in ipairs(d.papers) do
    local authors = {}
    for i, a in ipairs(p.authors or {}) do authors[i] = { name = a } end
    local tags = { p.group }
    for _, c in ipairs(p.categories or {}) do tags[#tags + 1] = c end
    local item = {
      id = p.key, url = p.url, title = p.title,
      content_text = p.abstract ~= "" and p.abstract or nil,
      summary = p.summary ~= "" and p.summary or nil,
      authors = #authors > 0 and authors or nil, tags = tags,
      external_url = p.pdf_url,
      _paperwatch = { score = p.score, rank = p.rank, group = p.group,
                      reasons = p.reasons, pdf_url = p.pdf_url,
                      code_url = p.github_repo or p.code_url, hf_url = p.hf_url,
                      first_seen = ptime.format(p.first_seen) },
    }
    if (p.published or 0) > 0 then item.date_published = ptime.format(p.published) end
    if (p.updated or 0) > 0 then item.date_modified = ptime.format(p.updated) end
    items[#items + 1] = item
  end
  return json.encode {
    version = "https://jsonfeed.org/version/1.1",
    title = d.title,
    description = ("%s, %s"):format(plural(d.count, "paper"), d.period),
    items = items,
    _paperwatch = { since = ptime.format(d.since), ["until"] = ptime.format(d["until"]),
                    min_score = d.min_score },
  } .. "\n"
end

-- ---- the settings --------------------------------------------------------

local PERIODS = { hour = true, hourly = true, day = true, daily = true,
                  week = true, weekly = true }
local WEEKDAYS = { sun = true, mon = true, tue = true, wed = true, thu = true,
                   fri = true, sat = true }
local FORMATS = { text = true, md = true, html = true, json = true }
local TEMPLATES = { text = true, md = true, html = true, json = true,
                    subject = true }

--- What is wrong with pw.digest's table (types already checked), or nil.
function M.check(t)
  if t.every and not PERIODS[t.every] and not ptime.duration(t.every) then
    return ("every = '%s': not a period (hour, day, week or a duration "
      .. "like 12h)"):format(t.every)
  end
  if t.at then
    local day, h, m = t.at:lower():match("^(%a*)%s*(%d%d?):(%d%d)$")
    if not h or tonumber(h) > 23 or tonumber(m) > 59
        or (day ~= "" and not WEEKDAYS[day:sub(1, 3)]) then
      return ("at = '%s': not a time of day (like \"08:00\", or "
        .. "\"mon 08:00\" for a weekly digest)"):format(t.at)
    end
  end
  if t.format and not FORMATS[t.format] then
    return ("format = '%s': not one of text, md, html, json"):format(t.format)
  end
  if t.min_score ~= nil and t.min_score ~= t.min_score then
    return "min_score is not a number"
  end
  if t.top and (t.top < 0 or t.top % 1 ~= 0) then
    return "top must be a whole number (0: no limit)"
  end
  for k, v in pairs(t.templates or {}) do
    if not TEMPLATES[k] then
      return ("templates: unknown format '%s' (text, md, html, json, "
        .. "subject)"):format(tostring(k))
    end
    if type(v) ~= "function" then
      return ("templates.%s must be a function (d) -> string"):format(k)
    end
  end
  local mail = t.mail
  if mail then
    for _, k in ipairs { "to", "from", "url" } do
      if not mail[k] then return ("mail: needs %s"):format(k) end
    end
    if not mail.url:match("^smtps?://") then
      return ("mail: url '%s' must start with smtp:// or smtps://")
        :format(mail.url)
    end
  end
  return nil
end

-- ---- entry point -----------------------------------------------------------

--- render(format, d): the config's template for format, else ours.
function M.render(format, d)
  local own = registry.digest and registry.digest.templates
  local t = (own and own[format]) or M.templates[format]
  if type(t) ~= "function" then
    error(("digest: no template for format '%s' (text, md, html, json, subject)")
      :format(format), 0)
  end
  return t(M.prepare(d))
end

return M
