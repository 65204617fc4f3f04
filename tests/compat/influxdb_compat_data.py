# What influxdb_compat.py writes and asks: the generated data set, the
# hand-written line-protocol cases, bad batches, and the InfluxQL
# statements (generated from templates with a seeded random.Random).
# Absolute times only, so the answers never depend on when the harness
# runs. Data only: no I/O here.

T0 = 1704067200 * 10**9  # 2024-01-01T00:00:00Z
SEC = 10**9
MIN = 60 * SEC
DB = "compat"

# ---------------------------------------------------------------------------
# Data


def esc_meas(s):
    return s.replace(",", "\\,").replace(" ", "\\ ")


def esc_key(s):
    return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def fmt_field(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return "%di" % v
    if isinstance(v, float):
        return repr(v)
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def line(meas, tags, fields, t):
    out = esc_meas(meas)
    for k, v in tags:
        out += "," + esc_key(k) + "=" + esc_key(v)
    out += " " + ",".join(esc_key(k) + "=" + fmt_field(v) for k, v in fields)
    if t is not None:
        out += " %d" % t
    return out


CPU_HOSTS = [
    ("server01", "us-east"),
    ("server02", "us-east"),
    ("srv 3", "us-west"),  # escaped space in a tag value
    ("a,b", "us-west"),  # escaped comma
    ("k=v", "eu"),  # escaped equals sign
]


def gen_main(rng):
    """The main dataset (ns precision)."""
    lines = []
    # cpu: regular 10 s points for 40 minutes, a gap for server02, fields
    # present on some points only.
    for hi, (host, region) in enumerate(CPU_HOSTS):
        tags = [("host", host), ("region", region)]
        if hi == 4:
            tags.append(("rack", "r1"))
        for i in range(240):
            t = T0 + i * 10 * SEC
            if host == "server02" and 60 <= i < 95:
                continue  # a gap: empty buckets
            if host == "srv 3" and i % 7 == 3:
                continue
            fields = [("usage_user", round(rng.uniform(0, 100), 3))]
            fields.append(("usage_idle", rng.uniform(0, 100)))
            if i % 2 == 0:
                fields.append(("count", rng.randint(-50, 1000)))
            if i % 3 == 0:
                fields.append(("ok", rng.random() < 0.6))
            if i % 5 == 0:
                fields.append(("status", rng.choice(["ok", "warn", "crit",
                                                     'say "hi"', "back\\slash"])))
            lines.append(line("cpu", tags, fields, t))
    # mem: irregular ns timestamps, several hosts.
    for host in ["h1", "h2", "h3"]:
        t = T0 + rng.randint(0, 10**9)
        while t < T0 + 40 * MIN:
            fields = [("free", rng.randint(0, 10**12)),
                      ("used", rng.uniform(-1e6, 1e6))]
            if rng.random() < 0.3:
                fields.append(("flag", rng.random() < 0.5))
            lines.append(line("mem", [("host", host)], fields, t))
            t += rng.randint(1, 90 * SEC)
    # Same-timestamp merges: a second line for an existing point adds one
    # field and overwrites another.
    for i in range(0, 240, 17):
        t = T0 + i * 10 * SEC
        lines.append(line("cpu", [("host", "server01"), ("region", "us-east")],
                          [("usage_user", 42.5), ("extra", i)], t))
    # Escaped measurement names; one point per minute.
    for i in range(30):
        t = T0 + i * MIN + 123
        lines.append(line("h2o level", [("loc", "coyote creek")],
                          [("water", float(i) / 4)], t))
        lines.append(line("disk,io", [("dev", "sda")], [("reads", i * 3)], t))
    rng.shuffle(lines)  # arrival order must not matter
    return "\n".join(lines) + "\n"


# Hand-written line-protocol edge cases, one measurement each so results
# stay separate. (measurement "lp").
EDGE = r"""# comment line, then a blank line

lp,t=escapes fs="quote \" and backslash \\ and \n literal" 1704067200000000001
lp,t=bools b1=t,b2=T,b3=true,b4=True,b5=TRUE 1704067200000000002
lp,t=bools b1=f,b2=F,b3=false,b4=False,b5=FALSE 1704067200000000003
lp,t=ints i1=0i,i2=-9223372036854775808i,i3=9223372036854775807i 1704067200000000004
lp,t=floats f1=1,f2=-1.5,f3=1e-3,f4=1.e+78,f5=.5,f6=-0.0,f7=6.02E23 1704067200000000005
lp,t=tag\ with\ space,u=a\,b\=c f=1 1704067200000000006
lp,t=dup f=1,f=2 1704067200000000007
lp,t=ws    f=1     1704067200000000008
lp,t=strs s="",s2="comma, space = equals" 1704067200000000009
lp,t=neg f=1 -1000000000
lp,t=zero f=1 0
lp,t=unicode s="h\u00e9 日本" 1704067200000000010
"""

# Timestamps in other precisions: (precision, measurement, lines).
PRECISION = [
    ("s", "prec_s", ["prec_s v=1 1704067200", "prec_s v=2 1704067260"]),
    ("ms", "prec_ms", ["prec_ms v=1 1704067200123", "prec_ms v=2 1704067200999"]),
    ("u", "prec_u", ["prec_u v=1 1704067200123456"]),
    ("ns", "prec_ns", ["prec_ns v=1 1704067200123456789"]),
]

# Batches with one bad line among good ones: InfluxDB 1.x writes the good
# lines ("partial write"); Strata rejects the batch unless --skip-invalid.
BAD_BATCHES = [
    ("bad_nofield", "bad_nofield v=1 1704067200000000000\nbad_nofield 1704067200000000001\nbad_nofield v=3 1704067200000000002\n"),
    ("bad_number", "bad_number v=1 1704067200000000000\nbad_number v=1x 1704067200000000001\nbad_number v=3 1704067200000000002\n"),
    ("bad_string", "bad_string v=1 1704067200000000000\nbad_string s=\"open 1704067200000000001\nbad_string v=3 1704067200000000002\n"),
    ("bad_time", "bad_time v=1 1704067200000000000\nbad_time v=2 17040672000000000x1\nbad_time v=3 1704067200000000002\n"),
    ("bad_tag", "bad_tag,t v=1 1704067200000000000\nbad_tag,t=a v=2 1704067200000000001\n"),
    ("bad_bool", "bad_bool v=1 1704067200000000000\nbad_bool b=yes 1704067200000000001\nbad_bool v=3 1704067200000000002\n"),
    ("bad_nan", "bad_nan v=1 1704067200000000000\nbad_nan v=NaN 1704067200000000001\nbad_nan v=3 1704067200000000002\n"),
    ("bad_dupkey", "bad_dupkey,t=a,t=b v=1 1704067200000000000\nbad_dupkey v=3 1704067200000000002\n"),
    ("bad_range", "bad_range v=1 1704067200000000000\nbad_range v=2 9223372036854775807\nbad_range v=3 1704067200000000002\n"),
]

# Lines each implementation should reject on its own.
REJECT_LINES = [
    "rj",
    "rj ",
    "rj v",
    "rj v=",
    "rj v=1 notatime",
    "rj v=1 1 2",
    "rj,=x v=1",
    "rj,t= v=1",
    ",t=a v=1",
    "rj v=\"unterminated",
    "rj v=1..2",
    "rj v=+-1",
    "rj v=1ii",
    "rj v=tru",
    "rj v=99999999999999999999i",
    "rj =1",
]

# Lines Strata accepts on purpose where InfluxDB 1.x rejects them
# (line_protocol.h): reported as known, never as differences.
LENIENT_LINES = [
    ("rj,t=crlf f=3 1704067200000000011\r", "a trailing CR (CRLF files)"),
    ("rj v=5u 1704067200000000000", "unsigned 'u' suffix (as InfluxDB 2.x)"),
]

# One line each, written alone (one measurement per line, so acceptance
# and the stored result are compared line by line).
LP_CASES = [
    r"lc1,t=a\\b v=1 1",
    r"lc2,t=a\b v=1 1",
    r"lc3,t=a\\\,b v=1 1",
    r"lc4 f\,k=1,f\ k2=2,f\=k3=3 1",
    r"lc=5,t=x v=1 1",
    r"lc6\\x v=1 1",
    r"lc7,t=x\ny v=1 1",
    r'lc8 s="a\\" 1',
    r'lc9 s="a\b" 1',
    "lc10 s=\"tab\tin\" 1",
    r"lc11 v=1i,w=-0i 1",
    r"lc12 v=1E5,w=1e+5,x=-.5e-2 1",
    r"lc13 v=0x10 1",
    r"lc14 v=1_000 1",
    r"lc15 v=+1 1",
    r"lc16 v=01 1",
    r"lc17 v=-9223372036854775808i 1",
    r"lc18 v=9223372036854775808i 1",
    r"lc19 v=1.7976931348623157e308 1",
    r"lc20 v=1e309 1",
    r"lc21 v=t,w=T,x=true,y=True,z=TRUE,a=tRUE 1",
    "lc22,t=\u00e9 v=\"\u00fc\" 1",
    r"lc23 v=1 -9223372036854775806",
    r"lc24 v=1 -9223372036854775807",
    r"lc25 v=1 9223372036854775806",
    r"lc26,a=1,b=2,a=3 v=1 1",
    r"lc27 v=1,v=2i 1",
    r"lc28,=a v=1 1",
    r"lc29 v=1 1 ",
    r"lc30  v=1 1",
    r"lc31 v=1  1",
    "lc32,t=a v=1\t1",
    r'lc34 "v"=1 1',
    r"lc35 v=1 1.5",
    r"lc36 v=1 +1",
    r'lc37,t="q" v=1 1',
    r"lc38 v=-1i 1",
    r"lc39 v=1e-400 1",
    r"lc40 v=1,v=2 1",
    r"lc41 v=1,v=2,w=3,v=4 1",
]

# ---------------------------------------------------------------------------
# Queries

TR = ("time >= '2024-01-01T00:00:00Z' AND time < '2024-01-01T00:40:00Z'")
TR_NS = "time >= %d AND time < %d" % (T0, T0 + 40 * MIN)


def gen_queries(rng):
    q = []
    aggs_num = ["count(%s)", "sum(%s)", "mean(%s)", "median(%s)", "min(%s)",
                "max(%s)", "first(%s)", "last(%s)", "spread(%s)",
                "stddev(%s)", "percentile(%s, 90)", "percentile(%s, 5)",
                "percentile(%s, 50.5)"]
    num_fields = ["usage_user", "usage_idle", "count"]
    # Every aggregate over every numeric field, whole range and per host.
    for a in aggs_num:
        for f in num_fields:
            q.append("SELECT %s FROM cpu WHERE %s" % (a % f, TR))
            q.append("SELECT %s FROM cpu WHERE %s GROUP BY host" % (a % f, TR))
    for f in ["status", "ok"]:
        for a in ["count(%s)", "first(%s)", "last(%s)"]:
            q.append("SELECT %s FROM cpu WHERE %s GROUP BY host" % (a % f, TR))
    # GROUP BY time with offsets and fills.
    intervals = ["1m", "5m", "7m", "90s", "7m, 2m", "5m, -1m", "10m, 30s"]
    fills = ["", " fill(null)", " fill(none)", " fill(previous)",
             " fill(linear)", " fill(0)", " fill(-1.5)"]
    time_aggs = ["mean(usage_user)", "count(usage_user)", "sum(count)",
                 "max(count)", "min(usage_idle)", "first(usage_user)",
                 "last(count)", "median(usage_user)", "spread(count)",
                 "stddev(usage_user)", "percentile(usage_idle, 75)"]
    for iv in intervals:
        for fl in fills:
            agg = rng.choice(time_aggs)
            where = rng.choice([TR, TR_NS,
                                "time >= '2024-01-01T00:03:00Z' AND "
                                "time <= '2024-01-01T00:33:20Z'"])
            by = rng.choice(["", ", host", ", *", ", region"])
            q.append("SELECT %s FROM cpu WHERE %s GROUP BY time(%s)%s%s"
                     % (agg, where, iv, by, fl))
    # The gap in server02 with every fill.
    for fl in fills:
        q.append("SELECT mean(usage_user) FROM cpu WHERE host = 'server02' "
                 "AND %s GROUP BY time(2m)%s" % (TR, fl))
        q.append("SELECT count(count), max(usage_user) FROM cpu WHERE "
                 "host = 'server02' AND %s GROUP BY time(3m)%s" % (TR, fl))
    # mem: irregular timestamps.
    for a in ["mean(used)", "count(free)", "sum(free)", "first(used)",
              "last(free)", "min(free)", "max(used)", "median(free)",
              "spread(used)", "stddev(free)", "count(flag)"]:
        q.append("SELECT %s FROM mem WHERE %s GROUP BY time(4m), host "
                 "fill(none)" % (a, TR))
    q.append("SELECT mean(used), max(free) FROM mem WHERE %s GROUP BY "
             "time(4m) fill(linear)" % TR)
    # WHERE on tags and fields.
    conds = [
        "host = 'server01'", "host != 'server01'", "host =~ /^server/",
        "host !~ /0[12]$/", "host = 'srv 3'", "host = 'a,b'", "host = 'k=v'",
        "region = 'us-west' OR host = 'server01'", "rack = 'r1'",
        "rack = ''", "rack != ''", "host = 'nosuch'",
        "usage_user > 50", "usage_user <= 10.5", "count >= 500",
        "count < 0", "count = 42", "ok = true", "ok = false",
        "status = 'ok'", "status != 'ok'", "status =~ /r/",
        "usage_user > 50 AND count > 100",
        "(host = 'server01' OR host = 'server02') AND usage_idle < 30",
        "host = 'server01' AND (usage_user > 90 OR count < 10)",
        "usage_user > 20 AND usage_user < 25",
        "count + 1 > 900", "usage_user * 2 < 10",
    ]
    for c in conds:
        q.append("SELECT count(usage_user), mean(usage_idle) FROM cpu "
                 "WHERE %s AND %s GROUP BY host" % (c, TR))
        q.append("SELECT usage_user, count, host FROM cpu WHERE (%s) AND "
                 "time >= '2024-01-01T00:10:00Z' AND "
                 "time < '2024-01-01T00:13:00Z'" % c)
    # Time bound forms.
    bounds = [
        "time > '2024-01-01T00:05:00Z'",
        "time >= '2024-01-01T00:05:00.000000001Z' AND time <= '2024-01-01T00:06:00Z'",
        "time > '2024-01-01 00:05:00' AND time < '2024-01-01 00:07:00'",
        "time >= '2024-01-01T00:05:00+01:00'",
        "time >= %d AND time < %d" % (T0 + 5 * MIN, T0 + 7 * MIN),
        "time >= %ds AND time < %dms" % (T0 // SEC + 300, T0 // 10**6 + 420000),
        "time >= '2024-01-01T00:30:00Z' - 5m AND time < '2024-01-01T00:30:00Z' + 30s",
        "time >= '2024-01-01T00:00:00Z' AND time > now() - 5000d AND "
        "time < '2024-01-01T00:02:00Z'",
        "time < now() AND time > '2024-01-01T00:38:00Z'",
        "time = '2024-01-01T00:10:00Z'",
        "time >= '2024-01-01T00:10:00Z' AND time < '2024-01-01T00:10:00Z'",
        "time > '2024-01-01T00:10:00Z' OR time < '2024-01-01T00:01:00Z'",
        "'2024-01-01T00:39:00Z' < time",
    ]
    for b in bounds:
        q.append("SELECT count(usage_user) FROM cpu WHERE %s GROUP BY host" % b)
        q.append("SELECT usage_user FROM cpu WHERE host = 'server01' AND %s "
                 "LIMIT 20" % b)
    # ORDER BY, LIMIT/OFFSET, SLIMIT/SOFFSET.
    for order in ["", " ORDER BY time DESC", " ORDER BY time ASC"]:
        for lim in ["", " LIMIT 3", " LIMIT 2 OFFSET 3", " OFFSET 230",
                    " SLIMIT 2", " SLIMIT 2 SOFFSET 1", " SOFFSET 4",
                    " LIMIT 1 SLIMIT 1 SOFFSET 2"]:
            q.append("SELECT usage_user, status FROM cpu WHERE %s GROUP BY "
                     "host%s%s" % (TR, order, lim))
            q.append("SELECT mean(usage_user) FROM cpu WHERE %s GROUP BY "
                     "time(10m), host fill(0)%s%s" % (TR, order, lim))
    # SELECT *, raw selects, regex field/tag mixes.
    q += [
        "SELECT * FROM cpu WHERE host = 'server01' AND %s LIMIT 25" % TR,
        # 39 rows end on a timestamp boundary (ties have no defined order).
        "SELECT * FROM cpu WHERE %s ORDER BY time DESC LIMIT 39" % TR,
        "SELECT * FROM cpu WHERE %s GROUP BY * LIMIT 3" % TR,
        "SELECT * FROM cpu WHERE %s GROUP BY host LIMIT 2" % TR,
        "SELECT * FROM mem WHERE %s" % TR,
        "SELECT * FROM mem WHERE host = 'h2' AND %s ORDER BY time DESC" % TR,
        "SELECT * FROM \"h2o level\"",
        "SELECT * FROM \"disk,io\"",
        "SELECT water FROM \"h2o level\" WHERE loc = 'coyote creek'",
        "SELECT * FROM lp",
        "SELECT * FROM lp GROUP BY *",
        "SELECT * FROM lp WHERE t = 'tag with space'",
        "SELECT * FROM lp WHERE u = 'a,b=c'",
        "SELECT * FROM prec_s",
        "SELECT * FROM prec_ms",
        "SELECT * FROM prec_u",
        "SELECT * FROM prec_ns",
        "SELECT extra, usage_user FROM cpu WHERE host = 'server01'",
        "SELECT usage_user::float, count::integer FROM cpu WHERE host = 'k=v' LIMIT 5",
        "SELECT usage_user, host::tag FROM cpu WHERE %s LIMIT 7" % TR,
        "SELECT region, host FROM cpu WHERE %s LIMIT 5" % TR,
        "SELECT nosuchfield FROM cpu",
        "SELECT * FROM nosuchmeasurement",
        "SELECT usage_user AS u, count AS c FROM cpu WHERE host = 'server02' LIMIT 5",
        "SELECT mean(usage_user) AS m, max(count) AS mx FROM cpu WHERE %s GROUP BY region" % TR,
        "SELECT max(usage_user), min(usage_user) FROM cpu WHERE %s" % TR,
        "SELECT max(usage_user) FROM cpu WHERE %s GROUP BY host" % TR,
        "SELECT count(usage_user) FROM cpu",
        "SELECT mean(usage_user) FROM cpu GROUP BY host",
        "SELECT last(*) FROM cpu WHERE %s GROUP BY host" % TR,
        "SELECT count(*) FROM cpu WHERE %s" % TR,
        "SELECT mean(*) FROM mem WHERE %s" % TR,
        "SELECT \"usage_user\" FROM \"cpu\" WHERE \"host\" = 'server01' LIMIT 3",
        "select USAGE_USER from CPU limit 3",
        "SELECT usage_user FROM cpu WHERE host = 'server01' AND %s "
        "LIMIT 3; SELECT count(free) FROM mem WHERE %s" % (TR, TR),
    ]
    # Selectors with tags and fields, fills over integer fields, long and
    # offset intervals, regex and boolean conditions.
    q += [
        "SELECT max(usage_user), host FROM cpu WHERE %s" % TR,
        "SELECT max(usage_user), region FROM cpu WHERE %s GROUP BY host" % TR,
        "SELECT min(count), usage_user FROM cpu WHERE %s GROUP BY host" % TR,
        "SELECT first(status), last(ok) FROM cpu WHERE %s GROUP BY host" % TR,
        "SELECT mean(count) FROM cpu WHERE host = 'server02' AND %s GROUP BY "
        "time(2m) fill(linear)" % TR,
        "SELECT last(count) FROM cpu WHERE host = 'server02' AND %s GROUP BY "
        "time(2m) fill(previous)" % TR,
        "SELECT max(count) FROM cpu WHERE host = 'server02' AND %s GROUP BY "
        "time(2m) fill(1.5)" % TR,
        "SELECT count(usage_user) FROM cpu WHERE %s GROUP BY time(1h)" % TR,
        "SELECT count(usage_user) FROM cpu WHERE %s GROUP BY time(1w)" % TR,
        "SELECT count(free) FROM mem WHERE time >= '2024-01-01T00:01:30Z' AND "
        "time < '2024-01-01T00:12:00Z' GROUP BY time(4m,-1m) fill(0)",
        "SELECT percentile(count, 0) FROM cpu WHERE %s" % TR,
        "SELECT percentile(usage_user, 100) FROM cpu WHERE %s" % TR,
        "SELECT usage_user FROM \"compat\".\"autogen\".\"cpu\" WHERE "
        "host = 'server01' AND %s LIMIT 2" % TR,
        "SELECT usage_user FROM /c.u/ WHERE host = 'server01' AND %s "
        "LIMIT 2" % TR,
        "SELECT count(usage_user) FROM cpu WHERE host <> 'server01' AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE usage_user > count AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE ok AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE ok != true AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE count != 5 AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE status =~ /\\\\/ AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE host =~ /(?i)SERVER/ AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE host =~ /^s.+\\d$/ AND %s" % TR,
        "SELECT count(usage_user) FROM cpu WHERE rack !~ /r/ AND %s" % TR,
        "SHOW TAG KEYS FROM cpu WHERE host = 'server02'",
        "SHOW TAG VALUES FROM cpu WITH KEY = region WHERE host =~ /s/",
        "SHOW SERIES FROM cpu WHERE region = 'eu'",
        "SHOW FIELD KEYS FROM \"h2o level\"",
        "SHOW TAG VALUES FROM cpu WITH KEY = nosuch",
        "SELECT usage_user FROM cpu WHERE host = 'server01' AND %s LIMIT 2 "
        "tz('UTC')" % TR,
        "SELECT mean(usage_user) FROM cpu WHERE %s GROUP BY time(10m) "
        "tz('UTC')" % TR,
        "SELECT usage_user::integer, count::float FROM cpu WHERE host = "
        "'server01' AND %s LIMIT 3" % TR,
        "SELECT usage_user FROM cpu WHERE time >= "
        "'2024-01-01T00:39:50.123456789123Z' AND host = 'server01'",
    ]
    # Schema exploration.
    q += [
        "SHOW MEASUREMENTS",
        "SHOW MEASUREMENTS WITH MEASUREMENT =~ /^c/",
        "SHOW MEASUREMENTS WITH MEASUREMENT = cpu",
        "SHOW MEASUREMENTS LIMIT 2",
        "SHOW MEASUREMENTS LIMIT 2 OFFSET 1",
        "SHOW MEASUREMENTS WHERE host = 'h1'",
        "SHOW TAG KEYS",
        "SHOW TAG KEYS FROM cpu",
        "SHOW TAG KEYS FROM mem",
        "SHOW TAG VALUES WITH KEY = host",
        "SHOW TAG VALUES FROM cpu WITH KEY = host",
        "SHOW TAG VALUES FROM cpu WITH KEY IN (host, region)",
        "SHOW TAG VALUES FROM cpu WITH KEY =~ /r/",
        "SHOW TAG VALUES FROM cpu WITH KEY != host",
        "SHOW TAG VALUES FROM cpu WITH KEY = host WHERE region = 'us-west'",
        "SHOW TAG VALUES FROM cpu WITH KEY = host LIMIT 2",
        "SHOW FIELD KEYS",
        "SHOW FIELD KEYS FROM cpu",
        "SHOW FIELD KEYS FROM lp",
        "SHOW SERIES",
        "SHOW SERIES FROM cpu",
        "SHOW SERIES FROM cpu WHERE host = 'srv 3'",
        "SHOW SERIES WHERE host =~ /h/",
        "SHOW SERIES LIMIT 3 OFFSET 2",
    ]
    # Invalid queries: both must reject (statement or parse error).
    q += [
        "SELEC * FROM cpu",
        "SELECT FROM cpu",
        "SELECT * FROM",
        "SELECT * cpu",
        "SELECT mean(usage_user) FROM cpu GROUP BY time(0s)",
        "SELECT mean(usage_user) FROM cpu WHERE time > 'garbage'",
        "SELECT mean(usage_user) FROM cpu GROUP BY time(1m) fill(bogus)",
        "SELECT mean(usage_user FROM cpu",
        "SELECT nofunc(usage_user) FROM cpu",
        "SELECT percentile(usage_user) FROM cpu",
        "SELECT usage_user FROM cpu WHERE host = 'x' LIMIT -1",
        "SELECT usage_user FROM cpu ORDER BY host",
        "SELECT * FROM cpu WHERE host =~ /[/",
        "SELECT mean(usage_user), usage_user FROM cpu",
        "SHOW TAG VALUES FROM cpu",
        "SELECT 'a' FROM cpu",
        "",
    ]
    return q


# InfluxQL that Strata does not support (yet): (query, what). Counted as
# known while Strata rejects them; compared normally once it answers.
UNSUPPORTED = [
    ("SELECT usage_user * 2 FROM cpu WHERE host = 'server02' AND %s LIMIT 3"
     % TR, "math in SELECT"),
    ("SELECT usage_user + count FROM cpu WHERE host = 'server02' AND %s "
     "LIMIT 4" % TR, "math in SELECT"),
    ("SELECT mean(usage_user) * 2 FROM cpu WHERE %s" % TR, "math in SELECT"),
    ("SELECT usage_user FROM cpu, mem WHERE %s LIMIT 2" % TR,
     "several measurements in FROM"),
    ("SELECT count(usage_user) FROM cpu WHERE %s GROUP BY time(15m, now())"
     % TR, "now() as a GROUP BY time offset"),
    ("SHOW DATABASES", "databases (one DB per directory)"),
    ("SHOW MEASUREMENTS ON compat", "ON <database> (one DB per directory)"),
    ("SHOW SERIES CARDINALITY", "SHOW ... CARDINALITY"),
    ("SHOW TAG VALUES CARDINALITY WITH KEY = host", "SHOW ... CARDINALITY"),
    ("SELECT mean(usage_user) FROM cpu WHERE %s GROUP BY time(10m) "
     "tz('America/Chicago')" % TR, "tz() other than UTC"),
    ("SELECT distinct(status) FROM cpu WHERE %s" % TR, "distinct()"),
    ("SELECT count(distinct(host)) FROM cpu WHERE %s" % TR, "distinct()"),
    ("SELECT top(usage_user, 2) FROM cpu WHERE %s" % TR, "top()"),
    ("SELECT bottom(usage_user, 2) FROM cpu WHERE %s" % TR, "bottom()"),
    ("SELECT mode(status) FROM cpu WHERE %s" % TR, "mode()"),
    ("SELECT integral(usage_user) FROM cpu WHERE %s" % TR, "integral()"),
    ("SELECT derivative(mean(usage_user), 1m) FROM cpu WHERE %s GROUP BY "
     "time(5m)" % TR, "derivative()"),
    ("SELECT difference(usage_user) FROM cpu WHERE host = 'server01' AND %s "
     "LIMIT 3" % TR, "difference()"),
    ("SELECT moving_average(usage_user, 2) FROM cpu WHERE host = 'server01' "
     "AND %s LIMIT 3" % TR, "moving_average()"),
    ("SELECT cumulative_sum(count) FROM cpu WHERE host = 'server01' AND %s "
     "LIMIT 3" % TR, "cumulative_sum()"),
    ("SHOW RETENTION POLICIES", "retention policies (per-measurement "
     "retention instead)"),
]

# Compared byte for byte in every epoch InfluxDB offers (None: RFC 3339):
# the JSON encoder itself (float and time formatting, escaping). No ties
# across series here, so the row order is defined.
EPOCH_QUERIES = [
    "SELECT usage_user, usage_idle, status, ok FROM cpu WHERE host = "
    "'server01' AND %s LIMIT 12" % TR,
    "SELECT * FROM lp GROUP BY *",
    "SELECT * FROM prec_ms",
    "SELECT * FROM prec_u",
    "SELECT mean(used), max(free) FROM mem WHERE %s GROUP BY time(90s), "
    "host LIMIT 5" % TR,
    "SELECT * FROM \"h2o level\" LIMIT 3",
    "SHOW SERIES LIMIT 3",
]
EPOCHS = [None, "h", "m", "s", "ms", "u", "ns"]

# Mutations then the queries that check them (run after the main list).
MUTATIONS = [
    "DELETE FROM cpu WHERE host = 'server01' AND time < '2024-01-01T00:10:00Z'",
    "DROP SERIES FROM mem WHERE host = 'h2'",
    "DELETE FROM mem WHERE time >= '2024-01-01T00:20:00Z' AND time < '2024-01-01T00:25:00Z'",
    "DROP SERIES FROM \"disk,io\"",
    "DELETE WHERE time < '2024-01-01T00:01:00Z'",
]
AFTER = [
    "SELECT count(usage_user) FROM cpu WHERE %s GROUP BY host" % TR,
    "SELECT usage_user FROM cpu WHERE host = 'server01' LIMIT 3",
    "SELECT count(free) FROM mem WHERE %s GROUP BY host" % TR,
    "SELECT count(free) FROM mem WHERE %s GROUP BY time(5m) fill(none)" % TR,
    "SHOW SERIES",
    "SHOW MEASUREMENTS",
    "SHOW TAG VALUES FROM mem WITH KEY = host",
    "SHOW FIELD KEYS",
    "SELECT * FROM \"disk,io\"",
    "SELECT * FROM \"h2o level\" LIMIT 3",
]
