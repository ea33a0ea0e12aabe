-- top-week.lua: the best papers of the last week from the database, as
-- Markdown (for a note, a wiki page, a mail):
--
--   paperwatch eval scripts/top-week.lua [N] [DAYS] > week.md
--
-- N papers (default 20) first seen in the last DAYS days (default 7),
-- hidden ones left out, with their tags.
local pw = require "paperwatch"

local top, days = tonumber(arg[1] or 20), tonumber(arg[2] or 7)
if not top or not days then
  io.stderr:write("usage: paperwatch eval scripts/top-week.lua [N] [DAYS]\n")
  os.exit(2)
end

local since = pw.time.now() - days * 86400
local papers, err = pw.db.papers { since = since, limit = top }
if not papers then
  io.stderr:write("top-week: ", err, "\n")
  os.exit(1)
end

local function md(s)
  return (tostring(s or ""):gsub("([\\`*_%[%]<>])", "\\%1"))
end

io.write(("# Top papers since %s\n\n"):format(os.date("!%Y-%m-%d", since)))
if #papers == 0 then io.write("Nothing yet.\n") end
for i, p in ipairs(papers) do
  local authors = p.authors
  local who = table.concat(authors, ", ", 1, math.min(#authors, 3))
  if #authors > 3 then who = who .. " et al." end
  local tags = pw.db.tags(p.key) or {}
  io.write(("%d. **[%s](%s)** — %s  \n   score %.1f%s%s\n"):format(i,
    md(p.title), p.url or ("https://arxiv.org/abs/" .. p.key:gsub("^arxiv:", "")),
    md(who), p.score,
    #p.categories > 0 and (" · " .. table.concat(p.categories, " ")) or "",
    #tags > 0 and (" · tags: " .. table.concat(tags, ", ")) or ""))
end
