-- backfill.lua: a month (or N days) of one arXiv category through the
-- arXiv API, paged politely (100 a request, 3 s apart), written as arXiv
-- metadata JSON Lines that `paperwatch import` stores and scores:
--
--   paperwatch eval scripts/backfill.lua cs.LG [DAYS] > cs.LG.jsonl
--   paperwatch import cs.LG.jsonl
--
-- Exit status: 0 done, 1 the API failed (what was fetched is printed), 2
-- bad usage.
local pw = require "paperwatch"

local cat, days = arg[1], tonumber(arg[2] or 30)
if not cat or not cat:match("^[%a%-]+[%.%w%-]*$") or not days or days < 1 then
  io.stderr:write("usage: paperwatch eval scripts/backfill.lua CATEGORY [DAYS]\n")
  os.exit(2)
end

local now = pw.time.now()
local function stamp(t) return os.date("!%Y%m%d%H%M", t) end
local search = ("cat:%s AND submittedDate:[%s TO %s]")
  :format(cat, stamp(now - days * 86400), stamp(now))
local src = pw.arxiv.query { search, max_results = 30000, page_size = 100,
                             name = "backfill " .. cat }

pw.log.info(("backfill: %s, the last %d days"):format(cat, days))
local entries, err = src.fetch(src)
if not entries then
  io.stderr:write("backfill: ", tostring(err), "\n")
  os.exit(1)
end

local n = 0
for _, e in ipairs(entries) do
  if e.arxiv_id then
    n = n + 1
    io.write(pw.json.encode {
      id = e.arxiv_id, title = e.title or "", abstract = e.abstract or "",
      authors = table.concat(e.authors or {}, ", "),
      categories = table.concat(e.categories or {}, " "),
      comments = e.comment, ["journal-ref"] = e.journal_ref, doi = e.doi,
      update_date = e.updated and os.date("!%Y-%m-%d", e.updated) or nil,
    }, "\n")
  end
end
pw.log.info(("backfill: %d papers"):format(n))
