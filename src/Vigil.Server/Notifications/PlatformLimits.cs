using System.Text;
using Vigil.Core.Config;

namespace Vigil.Server.Notifications;

/// <summary>
/// The chat robots' published limits, in one place: how fast a robot may be sent to, and how large a message may be.
/// Exceeding either is not a passing fault: DingTalk throttles a robot for 10 minutes, and a message over the size
/// limit is refused every time, so a large group would never be delivered.
/// </summary>
/// <remarks>
/// Sources: DingTalk's custom-robot guide ("每个机器人每分钟最多发送20条 … 会限流10分钟", errcode 130101 "send too
/// fast"); WeCom's group-robot guide (20 messages a minute per robot; markdown <c>content</c> at most 4096 bytes of
/// UTF-8); Feishu/Lark's rate-limit guide (a custom bot: 100 a minute and 5 a second, 11232 when exceeded) and
/// custom-bot guide (request body at most 20 KB, else 9499 Bad Request). DingTalk's markdown size limit is not
/// published where it could be checked (20,000 characters is reported): a conservative 16,000 bytes is used.
/// </remarks>
internal static class PlatformLimits
{
    /// <summary>WeCom group robot: <c>markdown.content</c> in UTF-8 bytes.</summary>
    public const int WeComMarkdownBytes = 4096;

    /// <summary>DingTalk custom robot: <c>markdown.text</c> in UTF-8 bytes; unverified, so below the reported 20,000 characters whatever DingTalk counts.</summary>
    public const int DingTalkMarkdownBytes = 16_000;

    /// <summary>DingTalk's <c>markdown.title</c> (the conversation-list preview) in characters; unverified, kept short.</summary>
    public const int DingTalkTitleChars = 200;

    /// <summary>Feishu/Lark custom bot: the whole request body as sent, in bytes ("20 KB", read as 20,000).</summary>
    public const int FeishuBodyBytes = 20_000;

    /// <summary>
    /// The token bucket for an integration: the configured <c>rate_limit</c>, capped for robots with a published limit.
    /// A bucket allows <c>burst + per_minute</c> sends in any minute (and <c>burst + per_minute/60</c> in any
    /// second), so the caps keep that sum within the platform's limit.
    /// </summary>
    public static (int PerMinute, int Burst) Bucket(IntegrationKind kind, int perMinute, int burst) => kind switch
    {
        // 20 a minute: 2 + 18.
        IntegrationKind.DingTalk or IntegrationKind.WeCom => (Math.Min(perMinute, 18), Math.Min(burst, 2)),
        // 100 a minute (4 + 96) and 5 a second (4 + 1.6).
        IntegrationKind.Feishu => (Math.Min(perMinute, 96), Math.Min(burst, 4)),
        _ => (perMinute, burst),
    };

    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// <paramref name="text"/> if <paramref name="size"/> says it fits in <paramref name="max"/>, else its longest
    /// prefix that fits with <paramref name="marker"/> after it — cut at a line end where that keeps at least half, so
    /// a list item or a link is not left half-written — and never between the two halves of a surrogate pair.
    /// </summary>
    public static string Fit(string text, int max, Func<string, int> size, string marker)
    {
        if (size(text) <= max)
        {
            return text;
        }
        // size(prefix + marker) grows with the prefix: binary search for the longest that fits.
        var (low, high) = (0, text.Length);
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (size(Prefix(text, mid) + marker) <= max)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        var kept = Prefix(text, low);
        var lineEnd = kept.LastIndexOf('\n');
        return (lineEnd >= kept.Length / 2 ? kept[..(lineEnd + 1)] : kept) + marker;
    }

    private static string Prefix(string text, int length) =>
        length > 0 && char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
}
