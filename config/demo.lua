-- paperwatch offline demo: real feeds captured from arXiv and Hugging Face
-- (tests/fixtures/, see SOURCES.md there), read over file:// so it works
-- without a network. Relative paths resolve against this file's folder.
--
--   ./paperwatch --config config/demo.lua run
--   ./paperwatch --config config/demo.lua list --limit 10
local pw = require "paperwatch"

local fixtures = "../tests/fixtures/"

-- arXiv's announcement listing of 28 Nov 2024 (1504 announcements)
pw.source(pw.feed { name = "arxiv-listing",
                    url = fixtures .. "arxiv-rss-2024-11-28-all-archives.xml" })
-- an arXiv API search for transformers in cs.LG
pw.source(pw.feed { name = "arxiv-api",
                    url = fixtures .. "arxiv-api-atom-search-2026.xml" })
-- Hugging Face daily papers of 12 June 2026, with upvotes
pw.source(pw.feed { name = "hf-daily",
                    url = fixtures .. "hf-daily-papers-api-2026-06-12.json" })

-- Declarative rules: a regex over title and abstract, one field, a list.
pw.rule { name = "llm agents", match = [[\b(LLM|language model)s?\b.*\bagents?\b]],
          score = 2 }
pw.rule { name = "reasoning", title = [[reason(ing)?]], score = 2 }
pw.rule { name = "ml categories", categories = { "cs.LG", "cs.CL" }, score = 1 }
pw.rule { name = "no surveys", title = "survey", score = -2 }

-- A function rule: popular on Hugging Face.
pw.rule("trending", function(p)
  local up = p.upvotes or 0
  if up >= 10 then
    return math.log(1 + up), ("%d upvotes"):format(up)
  end
end)

-- Only the few best papers of the demo make a bubble.
pw.notify { min_score = 4.5 }
