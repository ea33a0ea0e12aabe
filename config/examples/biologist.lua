-- A biologist on preprint servers: bioRxiv and medRxiv subject feeds,
-- keeping only what touches their organisms and methods.
local pw = require "paperwatch"

pw.source(pw.feed { name = "biorxiv genomics",
                    url = "https://connect.biorxiv.org/biorxiv_xml/genomics",
                    interval = 6 * 3600 })
pw.source(pw.feed { name = "biorxiv microbiology",
                    url = "https://connect.biorxiv.org/biorxiv_xml/microbiology",
                    interval = 6 * 3600 })
pw.source(pw.feed { name = "medrxiv infectious diseases",
                    url = "https://connect.medrxiv.org/medrxiv_xml/infectious_diseases",
                    interval = 12 * 3600 })

-- Keep only papers about their organisms (several keep rules: a paper
-- any of them matches is kept; the rest are never stored).
pw.rule { name = "organisms", keep = true, score = 2,
          any = { words = { "Escherichia coli", "E. coli", "Salmonella",
                            "Pseudomonas aeruginosa" } } }
pw.rule { name = "phages", keep = true, score = 3,
          words = { "bacteriophage", "phage therapy", "phages" } }

-- Methods they use.
pw.rule { name = "methods", score = 2, tag = "methods",
          abstract = { words = { "Tn-seq", "CRISPRi", "long-read sequencing" } } }

-- Stored but out of sight: protocols and corrections.
pw.rule { name = "protocols", title = [[^(protocol|correction|erratum)\b]],
          hide = true }

-- medRxiv papers are clinical; the lab cares about them less.
pw.rule { name = "clinical", source = "medrxiv infectious diseases", score = -1 }

pw.notify { min_score = 5 }
pw.digest { every = "week", at = "mon 09:00", min_score = 2, top = 40 }
