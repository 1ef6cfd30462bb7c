using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class BuiltInMasksTests
{
    private static string Mask(string text)
    {
        var output = new char[BuiltInMasks.MaxOutputLength(text.Length)];
        return new string(output, 0, BuiltInMasks.Apply(text, output));
    }

    [Theory]
    [InlineData("from 10.251.73.220:50010 to 10.0.0.1", "from <*> to <*>")]
    [InlineData("took 250ms, then 1.5s and 64KB", "took <*>, then <*> and <*>")]
    [InlineData("id 123e4567-e89b-12d3-a456-426614174000 done", "id <*> done")]
    [InlineData("addr 0x7fff5fbff8a8 and deadbeef12", "addr <*> and <*>")]
    [InlineData("open /var/log/syslog failed", "open <*> failed")]
    [InlineData("Error loading /bgl/apps/a.out: invalid", "Error loading <*>: invalid")]
    [InlineData(@"Loaded C:\Windows\winsxs\x86_64\cbscore.dll, ok", "Loaded <*>, ok")]
    [InlineData("GET https://example.com/a?b=1 ok", "GET <*> ok")]
    [InlineData("count=-5 uid=0 CPU#1", "count=<*> uid=<*> CPU#<*>")]
    [InlineData("Resolved node7.fareast.corp.microsoft.com to x", "Resolved <*> to x")]
    [InlineData("server msra-sa-41:9000 and msra-sa-41/10.190.173.170:9000", "server <*> and <*>")]
    [InlineData("at Sun Jul 24 02:38:22 2005 end", "at <*> end")]
    [InlineData("at 2005-07-24T02:38:22.123Z end", "at <*> end")]
    [InlineData("- frank [10/Oct/2000:13:55:36 -0700] \"GET", "- frank [<*>] \"GET")]
    [InlineData("at 10/Oct/2000:13:55:36 ok", "at <*> ok")]
    [InlineData("DHCPDISCOVER from 00:11:43:e3:ba:c3 via eth1", "DHCPDISCOVER from <*> via eth1")]
    [InlineData("lease ba-c3-00-11-43-e3 expired", "lease <*> expired")]
    [InlineData("chip inserted: FF:F2:9F:16:BF:6C:00:0D:60:E9:40:93 ip=x", "chip inserted: <*> ip=x")]
    [InlineData("IPV6 Addr: 2607:f140:400:a01b:1c57:7ef3:8f8e:5a10", "IPV6 Addr: <*>")]
    [InlineData("IPV6 Addr: fe80:0:0:0:c6b3:1ff:fecd:467f and fe80::1, done", "IPV6 Addr: <*> and <*>, done")]
    [InlineData("jA9J1UvC004306: from=root, size=629060", "<*>: from=root, size=<*>")]
    [InlineData("stat=Deferred delay=00:00:03, at 12:01:02.5 ok", "stat=Deferred delay=<*>, at <*> ok")]
    public void Common_variables_become_wildcards(string input, string expected) => Assert.Equal(expected, Mask(input));

    [Fact]
    public void A_source_file_and_line_is_not_a_host_and_port() =>
        Assert.Equal("[ib_sm_sweep.c:<*>]: NEW SWEEP", Mask("[ib_sm_sweep.c:161]: NEW SWEEP"));

    [Theory]
    [InlineData("ssh2 e820 x86 BIOS-e820: ok")]
    [InlineData("org.apache.hadoop.http.HttpServer2 started")]
    [InlineData("mapred.job.id is deprecated")]
    [InlineData("I/O error on r/w device")]
    [InlineData("state FOLLOWING (n.state), LEADING (my state)")]
    [InlineData("bglio716 md5sum base64 sha256WithRSA e1000e")]
    public void Words_stay_words(string input) => Assert.Equal(input, Mask(input));

    [Fact]
    public void User_regexes_run_first_with_LogPAI_semantics()
    {
        var masker = new VariableMasker([@"blk_-?\d+", @"core\.\d+"]);
        Assert.Equal("block <*> size <*> and <*>", masker.Mask("block blk_-1608999687919862906 size 67108864 and core.2275").ToString());
    }

    [Theory]
    [InlineData(@"0x.*?\s")] // Windows in LogPAI's settings: runs on the real regex (lazy)
    [InlineData(@"0x[0-9a-f]+\s")] // runs on the simple matcher
    public void White_space_a_user_regex_takes_at_its_ends_stays(string pattern)
    {
        var masker = new VariableMasker([pattern], builtIns: false);
        Assert.Equal("[HRESULT = <*> - CBS_E_INVALID]", masker.Mask("[HRESULT = 0x800f080d - CBS_E_INVALID]").ToString());
    }

    [Fact]
    public void A_line_with_non_ascii_chars_gets_the_real_regex() =>
        Assert.Equal("bloc réservé <*> ok", new VariableMasker([@"blk_-?\d+"], builtIns: false).Mask("bloc réservé blk_-42 ok").ToString());

    [Fact]
    public void An_invalid_user_regex_is_a_format_error()
    {
        var error = Assert.Throws<FormatException>(() => new VariableMasker(["(unclosed"]));
        Assert.Contains("(unclosed", error.Message, StringComparison.Ordinal);
    }
}
