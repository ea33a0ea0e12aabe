-- An ML researcher: today's arXiv announcements in the categories they
-- work in, the people whose papers they never miss, and their topics.
-- Copy to ~/.config/paperwatch/init.lua and make it yours.
local pw = require "paperwatch"

pw.options { contact = "me@example.org" } -- arXiv asks who is fetching

pw.source(pw.arxiv.listing { "cs.LG", "cs.CL", "stat.ML" })
pw.source(pw.arxiv.query { "cat:cs.LG AND abs:\"in-context learning\"",
                           max_results = 100, interval = 86400 })

-- People: a paper by any of them is worth a look whatever its topic.
pw.rule { name = "people", score = 5, tag = "people",
          authors = { "Percy Liang", "Yann LeCun", "Chelsea Finn",
                      "Sergey Levine", "Tri Dao" } }

-- Topics, as whole words (case does not matter).
pw.rule { name = "efficient attention", score = 3,
          words = { "linear attention", "state space model", "flash attention",
                    "mamba" } }
pw.rule { name = "in-context learning", match = [[in[- ]context learn]], score = 3 }
pw.rule { name = "theory", title = [[\b(provabl[ey]|theorem|bounds?)\b]], score = 1 }

-- Less of what they do not read: cross-lists into their categories from
-- far away, replacements of papers already seen, surveys.
pw.rule { name = "cross-list", announce = { "cross", "replace-cross" }, score = -1 }
pw.rule { name = "no surveys", title = { words = { "survey", "review" } }, score = -2 }

-- Never store what is out of their field altogether.
pw.rule { name = "not physics", categories = { "physics", "astro-ph" },
          drop = true }

-- A paper from a group they starred before scores a little higher.
pw.rule("starred before", function(p)
  for _, a in ipairs(p.authors) do
    local seen = pw.db.papers { author = a, starred = true, limit = 1 }
    if seen and #seen > 0 then
      return 2, "you starred a paper by " .. a
    end
  end
end)

pw.notify { min_score = 5 }
pw.digest { every = "day", at = "08:00", min_score = 2, top = 30 }
