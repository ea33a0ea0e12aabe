-- paperwatch.db: the paperwatch database from Lua: read queries, a
-- paper finder for the usual questions, and tags. The C part
-- (agent/l_db.c) opens the database the command was given, read-only in
-- all but db.tag.
local c = require "paperwatch.db.c"
local check = require "paperwatch.check"

local M = { query = c.query, tag = c.tag, tags = c.tags, path = c.path }

local PAPERS = {
  author = "string", category = "string", tag = "string", starred = "boolean",
  since = "number", min_score = "number", limit = "number", search = "string",
  hidden = "boolean",
}

--- db.papers { author =, category =, tag =, starred =, since =,
--- min_score =, search =, hidden =, limit = } -> list of papers (plain
--- tables: key, title, authors, categories, score, first_seen, url) best
--- first | nil, msg. "Have I starred this author before?":
---   #db.papers { author = "Percy Liang", starred = true, limit = 1 } > 0
function M.papers(t)
  t = t or {}
  if type(t) ~= "table" then error("db.papers: expected a table", 2) end
  check.fields("db.papers", t, PAPERS, 2)
  local where, args = {}, {}
  local function add(sql, ...)
    where[#where + 1] = sql
    for _, v in ipairs { ... } do args[#args + 1] = v end
  end
  if t.author then
    add("EXISTS (SELECT 1 FROM json_each(p.authors) WHERE lower(value) = lower(?))",
      t.author)
  end
  if t.category then
    add("EXISTS (SELECT 1 FROM json_each(p.categories) WHERE value = ?"
      .. " OR value LIKE ? || '.%')", t.category, t.category)
  end
  if t.tag then add("EXISTS (SELECT 1 FROM tags g WHERE g.paper_id = p.id AND g.tag = ?)", t.tag) end
  if t.starred ~= nil then
    add(("%sEXISTS (SELECT 1 FROM events e WHERE e.paper_id = p.id AND e.kind = 'starred'"
      .. " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.paper_id = p.id"
      .. " AND u.kind = 'unstarred' AND u.id > e.id))"):format(t.starred and "" or "NOT "))
  end
  if t.since then add("p.first_seen >= ?", t.since) end
  if t.min_score then add("p.score >= ?", t.min_score) end
  if not t.hidden then add("p.hidden = 0") end
  if t.search then
    add("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)", t.search)
  end
  local sql = "SELECT p.key, p.title, p.authors, p.categories, p.score,"
    .. " p.first_seen, p.url, p.abstract, p.published FROM papers p"
    .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "")
    .. " ORDER BY p.score DESC, p.first_seen DESC"
    .. (t.limit and (" LIMIT " .. math.floor(t.limit)) or "")
  local rows, err = c.query(sql, table.unpack(args))
  if not rows then return nil, err end
  local json = require "paperwatch.json"
  for _, r in ipairs(rows) do
    r.authors = r.authors and json.decode(r.authors) or {}
    r.categories = r.categories and json.decode(r.categories) or {}
    for k, v in pairs(r) do if v == false then r[k] = nil end end
  end
  return rows
end

return M
