---@meta paperwatch
-- LuaLS annotations of paperwatch's Lua API (point workspace.library at
-- lua/meta: the repository's .luarc.json does). The runtime module is
-- lua/paperwatch/init.lua; tests/lua/meta_test.lua fails when the two
-- disagree. Reference with examples: man 5 paperwatch-lua.

---@class pw.Source
---@field name string? shown in logs and `paperwatch sources` (default: the URL)
---@field url string? http, https or file (relative paths: beside the config)
---@field fetch (fun(src: pw.Source): (pw.Entry[]|string|nil), string?)? a Lua fetcher instead of url
---@field format ("auto"|"atom"|"rss"|"rdf"|"json")?
---@field interval number? seconds between polls (default 3600)
---@field min_delay number? seconds between requests to its host (arxiv.org: at least 3)
---@field timeout number? seconds for the whole transfer
---@field connect_timeout number?
---@field stall_timeout number? seconds under 10 B/s before giving up
---@field max_bytes number? decompressed size cap (default 64 MiB)

---@class pw.Entry what a fetch function returns: plain fields, others kept as extras
---@field title string?
---@field authors string[]?
---@field abstract string?
---@field url string?
---@field id string?
---@field published string|integer?

---A text field of a declarative rule: a regex, a list of regexes (any
---matches), or whole words / phrases (case-insensitive).
---@alias pw.TextMatch string|string[]|{ words: string[] }

---@class pw.Rule a declarative rule: everything it names must match
---@field name string unique
---@field score number? added when it matches (may be negative; needed unless keep/hide/drop/tag)
---@field reason string? shown by explain (default "matched title, ...")
---@field match pw.TextMatch? regex over title and abstract
---@field words string|string[]? whole words or phrases in title or abstract
---@field title pw.TextMatch?
---@field abstract pw.TextMatch?
---@field any pw.TextMatch? title, abstract, authors, categories, comment, journal_ref or source
---@field authors string|string[]? any of these authors (case and spacing ignored)
---@field categories string|string[]? any of these categories ("cs.LG", or an archive "cs")
---@field announce string|string[]? "new", "cross", "replace", "replace-cross"
---@field source string|string[]? the source's name
---@field case_sensitive boolean? regexes and words respect case
---@field keep boolean? keep only papers some keep rule matches (before storing)
---@field drop boolean? never store papers it matches (wins over keep)
---@field hide boolean? store but hide from list, digest and notify
---@field renotify boolean? a notified paper's newer version it matches notifies again (once per version)
---@field tag string? tag the papers it matches
---@field on_match fun(p: pw.Paper, score: number)? called after a run for new visible papers it matched
---@field fn (fun(p: pw.Paper): (number|boolean|nil), string?)? a function instead of match fields

---@class pw.RuleOptions options of a function rule (pw.rule(name, fn, options))
---@field keep boolean?
---@field drop boolean?
---@field hide boolean?
---@field renotify boolean?
---@field tag string?
---@field on_match fun(p: pw.Paper, score: number)?

---@class pw.Paper the read-only paper rules and hooks see
---@field key string "arxiv:2401.12345", "doi:...", else the entry's id or link
---@field title string?
---@field abstract string?
---@field authors string[] read-only
---@field categories string[] read-only
---@field url string?
---@field pdf_url string?
---@field published integer? UTC seconds
---@field updated integer? UTC seconds
---@field version integer?
---@field arxiv_id string?
---@field doi string?
---@field announce ("new"|"cross"|"replace"|"replace-cross")?
---@field comment string?
---@field journal_ref string?
---@field source string? the (first) source it came from
---@field sources string[] read-only
---@field upvotes integer? Hugging Face daily papers (and other source extras)
local Paper = {}
---Does the regex (case-insensitive) match the title or the abstract?
---@param re string|pw.Regex
---@return boolean
function Paper:match(re) end
---An author of that name (case and spacing ignored)?
---@param name string
---@return boolean
function Paper:has_author(name) end
---In this category ("cs.LG"), or in this archive ("cs")?
---@param cat string
---@return boolean
function Paper:in_category(cat) end

---@class pw.Regex a compiled PCRE2 regex (JIT)
local Regex = {}
---@param s string
---@return boolean
function Regex:test(s) end
---@param s string
---@param init integer?
---@return integer? start, integer? finish, string? ... captures
function Regex:find(s, init) end

---@class pw.Options
---@field contact string? sent in the User-Agent (arXiv asks for one)
---@field concurrency integer? transfers at once

---@class pw.Limits
---@field instructions integer? per rule call (default 10 000 000; at least 1000)
---@field memory_mb number? Lua heap cap while rules run (default 64)

---@class pw.NotifyOptions
---@field min_score number? default 1
---@field max integer? more at once make one summary bubble
---@field quiet string? "22:00-07:00": no bubbles then (local time)

---@class pw.Notice
---@field title string
---@field body string?
---@field url string?
---@field urgency ("low"|"normal"|"critical"|0|1|2)?

---@class pw.DigestMail
---@field to string|string[]
---@field from string
---@field url string "smtps://smtp.example.org"
---@field user string?
---@field password_command string?

---@class pw.DigestOptions
---@field every string? "day", "week", "12h"
---@field at string? "08:00", "mon 08:00"
---@field min_score number?
---@field top integer?
---@field mail pw.DigestMail? where `digest --send` mails it (text + HTML)
---@field send_empty boolean? mail an empty digest too (default false)
---@field format string? "text", "md", "html" or "json" for --output
---@field subject string? the mail's subject (default "paperwatch: N papers — best title")
---@field templates table<string, fun(d: pw.Digest): string>? override text, md, html, json or subject

---What a digest template gets (require "paperwatch.digest" has the shipped
---templates and helpers: html_escape, md_escape, trim, wrap, date).
---@class pw.Digest
---@field since integer
---@field until integer
---@field min_score number
---@field count integer
---@field title string
---@field period string "2026-06-12 08:00 to 2026-06-13 08:00" (local)
---@field papers pw.DigestPaper[] best first
---@field groups { name: string, papers: pw.DigestPaper[] }[] by tag, else best rule
---@field grouped boolean more than one group (or a named one)

---A paper's fields plus what the digest adds.
---@class pw.DigestPaper
---@field key string
---@field title string
---@field authors string[]
---@field abstract string
---@field url string?
---@field pdf_url string?
---@field score number
---@field rank integer
---@field summary string the abstract trimmed to 600 bytes
---@field authors_text string
---@field reasons { rule: string, score: number, reason: string? }[]
---@field reasons_text string
---@field links { label: string, url: string }[] abstract, PDF, code, Hugging Face
---@field tags string[]
---@field group string

---@class pw.HttpInfo
---@field status integer
---@field url string the final URL
---@field headers table<string, string>

---@class pw.DbPapersQuery
---@field author string?
---@field category string?
---@field tag string?
---@field starred boolean?
---@field since integer? first seen at or after (UTC seconds)
---@field min_score number?
---@field search string? full text (FTS5)
---@field hidden boolean? include hidden papers
---@field limit integer?

---@class pw.DbPaper
---@field key string
---@field title string?
---@field authors string[]
---@field categories string[]
---@field score number
---@field first_seen integer
---@field url string?
---@field abstract string?
---@field published integer?

---@class paperwatch
paperwatch = {}
---@type string
paperwatch.version = "0.1.0"

---Register a source made by pw.feed, pw.arxiv.*, pw.hf.* or a plain table.
---@param src pw.Source
---@return pw.Source
function paperwatch.source(src) end

---Register a rule: a declarative table, or a name and a function of the
---paper returning score[, reason].
---@overload fun(rule: pw.Rule)
---@param name string
---@param fn fun(p: pw.Paper): (number|boolean|nil), string?
---@param options pw.RuleOptions?
function paperwatch.rule(name, fn, options) end

---Call fn after a run for each new, visible paper whose total reaches
---min_score (default: above 0).
---@param fn fun(p: pw.Paper, score: number)
---@param options { min_score: number? }?
function paperwatch.on_match(fn, options) end

---@param t pw.Limits
function paperwatch.limits(t) end

---@param t pw.Options
function paperwatch.options(t) end

---@param t pw.DigestOptions
function paperwatch.digest(t) end

---pw.notify { min_score = n } sets the notification threshold;
---pw.notify.send { title = ... } shows a bubble now.
---@class paperwatch.notify
---@overload fun(t: pw.NotifyOptions)
paperwatch.notify = {}
---@param n pw.Notice
---@return boolean|nil ok, string? err
function paperwatch.notify.send(n) end

---pw.feed { name =, url = } is a source of any RSS, Atom or JSON feed.
---@class paperwatch.feed
---@overload fun(t: pw.Source): pw.Source
paperwatch.feed = {}
---Run the C parser over a document.
---@param text string
---@param name string?
---@return pw.Entry[]|nil entries, table|string info_or_err
function paperwatch.feed.parse(text, name) end

---@class paperwatch.arxiv
paperwatch.arxiv = {}
---@param t string[]|{ name: string?, interval: number? }
---@return pw.Source
function paperwatch.arxiv.listing(t) end
---@param t { [1]: string, name: string?, max_results: integer?, page_size: integer?, sort_by: string?, interval: number?, url: string? }
---@return pw.Source
function paperwatch.arxiv.query(t) end
---@param base string
---@param search string
---@param start integer
---@param n integer
---@param sort string
---@return string
function paperwatch.arxiv.query_url(base, search, start, n, sort) end

---@class paperwatch.hf
paperwatch.hf = {}
---@param t { date: string?, days: integer?, name: string?, interval: number? }
---@return pw.Source
function paperwatch.hf.daily(t) end

---@class paperwatch.http
paperwatch.http = {}
---GET (yields to the run's loop inside fetch functions).
---@param url string
---@param opts { headers: table<string,string>?, min_delay: number?, timeout: number? }?
---@return string|nil body, pw.HttpInfo|string info_or_err
function paperwatch.http.get(url, opts) end
---@param url string
---@param body string
---@param opts { headers: table<string,string>?, content_type: string?, timeout: number? }?
---@return string|nil body, pw.HttpInfo|string info_or_err
function paperwatch.http.post(url, body, opts) end

---@class paperwatch.json
paperwatch.json = {}
---@param text string
---@return any|nil value, string? err
function paperwatch.json.decode(text) end
---@param value any
---@return string
function paperwatch.json.encode(value) end

---@class paperwatch.re
paperwatch.re = {}
---@param pattern string
---@param case_sensitive boolean?
---@return pw.Regex|nil re, string? err
function paperwatch.re.compile(pattern, case_sensitive) end

---@class paperwatch.time
paperwatch.time = {}
---@return integer
function paperwatch.time.now() end
---@param s string
---@return integer|nil t, string? err
function paperwatch.time.parse(s) end
---@param t integer
---@return string
function paperwatch.time.format(t) end
---@param s string
---@return integer|nil seconds, string? err
function paperwatch.time.duration(s) end

---@class paperwatch.log
paperwatch.log = {}
---@param ... any
function paperwatch.log.debug(...) end
---@param ... any
function paperwatch.log.info(...) end
---@param ... any
function paperwatch.log.warn(...) end
---@param ... any
function paperwatch.log.error(...) end

---@class paperwatch.db
paperwatch.db = {}
---A read-only SQL query (one statement; ? placeholders); NULL comes back
---as false.
---@param sql string
---@param ... string|number|boolean|nil
---@return table[]|nil rows, string? err
function paperwatch.db.query(sql, ...) end
---@param q pw.DbPapersQuery?
---@return pw.DbPaper[]|nil papers, string? err
function paperwatch.db.papers(q) end
---Tag a paper (your tag: rescoring keeps it). Not inside rules.
---@param key string
---@param tag string
---@return boolean|nil ok, string? err
function paperwatch.db.tag(key, tag) end
---@param key string
---@return string[]|nil tags, string? err
function paperwatch.db.tags(key) end
---@return string|nil
function paperwatch.db.path() end

---@class pw.Mail
---@field to string|string[]
---@field from string
---@field url string "smtps://smtp.example.org:465"
---@field user string?
---@field password_command string?
---@field subject string
---@field text string
---@field html string?

---Mail over SMTP(S) (agent/l_mail.c). STARTTLS is required on smtp://
---except to loopback; smtps:// is TLS throughout. password_command runs
---with /bin/sh -c; the first line it prints is the password. A missing or
---mistyped field raises; the server failing returns nil, message.
---@class paperwatch.mail
paperwatch.mail = {}
---Send one message (text, and HTML as an alternative); blocks until sent.
---@param m pw.Mail
---@return boolean|nil ok, string? err
function paperwatch.mail.send(m) end

---The module as the config and scripts see it (also the global `pw`).
pw = paperwatch
