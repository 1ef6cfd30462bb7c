using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class TokenizedLineCacheTests
{
    [Fact]
    public void A_stored_text_gives_back_its_words_and_key()
    {
        var cache = new TokenizedLineCache();
        const string text = "Receiving block <*> src: /<*> dest: /<*>";
        var (canonical, tokens, key) = Tokenize(text);
        Assert.Null(cache.Find(text, out var probe));
        Assert.Null(cache.Store(probe, text, canonical, tokens, key)); // the first sighting is only noted
        Assert.Null(cache.Find(text, out probe));
        Assert.NotNull(cache.Store(probe, text, canonical, tokens, key));
        var hit = cache.Find(text, out _);
        Assert.NotNull(hit);
        Assert.Equal(key, hit.Key);
        Assert.Equal(tokens.Length, hit.TokenCount);
        for (var i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(canonical.AsSpan(tokens[i].Start, tokens[i].Length).ToString(), hit.Canonical.AsSpan(hit.Tokens[i].Start, hit.Tokens[i].Length).ToString());
        }
    }

    [Fact]
    public void Only_the_exact_text_hits()
    {
        var cache = new TokenizedLineCache();
        const string stored = "disk full on sda1";
        var (canonical, tokens, key) = Tokenize(stored);
        StoreSeenTwice(cache, stored, canonical, tokens, key);
        Assert.NotNull(cache.Find(stored, out var probe));
        Assert.Null(cache.Find("disk full on sda2", out _));
        Assert.Null(cache.Find("disk full on sda", out _));
        // Another text stored in the same slot (as a hash collision would) replaces it and never answers for it.
        const string other = "something else entirely";
        var (otherCanonical, otherTokens, otherKey) = Tokenize(other);
        cache.Store(probe, other, otherCanonical, otherTokens, otherKey);
        cache.Store(probe, other, otherCanonical, otherTokens, otherKey);
        Assert.Null(cache.Find(stored, out _));
    }

    [Fact]
    public void Texts_longer_than_the_limit_are_not_kept()
    {
        var cache = new TokenizedLineCache();
        var text = new string('x', TokenizedLineCache.MaxTextLength + 1);
        var (canonical, tokens, key) = Tokenize(text);
        StoreSeenTwice(cache, text, canonical, tokens, key);
        Assert.Null(cache.Find(text, out _));
    }

    [Theory]
    [InlineData(true, true, 10_000)] // both memo keys: after the source's masks, after the built-in ones
    [InlineData(false, true, 10_000)] // only the fully masked text
    [InlineData(true, false, 10_000)] // only the text after the source's masks, which is the masked text
    [InlineData(true, true, 10)] // templates evicted under the memo's entries all the time
    public void Mining_repeated_lines_gives_what_mining_fresh_lines_gives(bool sourceMasks, bool builtIns, int maxTemplates)
    {
        // The memo must not change a single template: mine a stream with many exact repeats on one miner, and each
        // line on a miner that has never seen a repeat of it (a fresh miner per distinct shape would differ in merges,
        // so compare against the same stream with every line made unique where it does not matter: trailing spaces).
        var random = new Random(11);
        string[] shapes =
        [
            "Receiving block blk_{0} src: /10.0.{1}.1:50010 dest: /10.0.0.{1}:50010",
            "PacketResponder {1} for block blk_{0} terminating",
            "Received block blk_{0} of size {0} from /10.0.0.{1}",
            "user u{1} logged in from host{1}.example.com",
            "connection from 10.0.0.{1} (h{1}.example.com) at noon",
            "{2} finished in {1} ms", // forty templates: the first word is only merged on evidence
        ];
        string[] names = [.. Enumerable.Range(0, 40).Select(n => new string((char)('a' + (n % 26)), 1 + (n / 26)) + "task")];
        var lines = Enumerable.Range(0, 5_000)
            .Select(_ => string.Format(System.Globalization.CultureInfo.InvariantCulture, shapes[random.Next(shapes.Length)], random.Next(100), random.Next(4), names[random.Next(names.Length)]))
            .ToArray();
        var options = new MinerOptions { MaskPatterns = sourceMasks ? [@"blk_-?\d+"] : [], BuiltInMasks = builtIns, MaxTemplates = maxTemplates };
        var cached = new LogMiner(options);
        var unique = new LogMiner(options);
        for (var i = 0; i < lines.Length; i++)
        {
            // White space at the end is no word, so the templates are the same, but the texts never repeat.
            var a = cached.Add(lines[i]);
            var b = unique.Add(lines[i] + new string(' ', i % 64) + new string('\t', i / 64));
            Assert.Equal(b.TemplateId, a.TemplateId);
            Assert.Equal(b.Template, a.Template);
        }
        Assert.Equal(unique.EvictedCount, cached.EvictedCount);
        Assert.True(maxTemplates > 100 || cached.EvictedCount > 0, "the small cap should evict");
    }

    private static void StoreSeenTwice(TokenizedLineCache cache, string text, char[] canonical, TokenSlice[] tokens, ulong key)
    {
        for (var sighting = 0; sighting < 2; sighting++)
        {
            cache.Find(text, out var probe);
            cache.Store(probe, text, canonical, tokens, key);
        }
    }

    private static (char[] Canonical, TokenSlice[] Tokens, ulong Key) Tokenize(string text)
    {
        var canonical = new char[LineTokens.MaxCanonicalLength(text.Length)];
        var tokens = new TokenSlice[128];
        var count = LineTokens.Split(text, canonical, tokens, 128);
        return (canonical, tokens[..count], LineTokens.SkeletonKey(canonical, tokens.AsSpan(0, count)));
    }
}
