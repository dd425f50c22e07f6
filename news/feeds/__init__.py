"""CSO feeds (RSS 0.9x, 1.0 and 2.0, Atom 0.3 and 1.0) fetched safely, read
however broken, and filed as drafts.

A feed URL is typed in by anyone who can edit an organisation, and its server
is outside our control, so everything here assumes hostility:

- Fetching goes through an SSRF guard: http and https only; the host is
  resolved once and refused if any of its addresses is private, loopback,
  link-local, multicast, reserved, unspecified or a cloud metadata address
  (IPv6 and IPv4-mapped forms included); the connection goes to that vetted
  address (no second lookup, so DNS rebinding cannot swap it), keeping the
  Host header and TLS name of the original host; redirects are followed by
  hand and each target is vetted again; the body is capped while streaming
  and the whole exchange is cut off at a total time limit.
- A document that declares its own DTD subset or entities is refused before
  parsing: billion-laughs and XXE documents are errors, not work.
- feedparser reads the bytes with the response's headers (the charset of
  Content-Type, Content-Location as a base of links), and reads what real
  CSO sites publish: undeclared entities, bare ampersands, unescaped markup.
- Entries become drafts through ``news.intake.create_draft_news`` (which
  sanitises their HTML and starts review), once each, by GUID or else link;
  an entry that fails is a problem counted on the feed, never its failure.

A broken or hostile feed is recorded on its ``FeedState`` as a reason (a
code and its parameters, put into words in the reader's language when the
status is read) and never stops the other feeds; each poll counts the entries
it imported and those it could not.

Modules: ``fetching`` (the SSRF guard and the capped, timed exchange),
``parsing`` (entries, their links, keys and language), ``dates`` (the
programme languages' dates), ``checking`` (``manage.py check_feed``),
``polling`` (importing, state and reviewer notices); ``errors`` holds
``FeedError`` and the reasons' messages.
"""
