using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Config;

namespace Vigil.Server.Notifications;

/// <summary>
/// DingTalk, Feishu/Lark and WeCom answer HTTP 200 with an error code in the body (a bad signature, a keyword
/// missing, … and their rate limits). A refusal is permanent, except the codes that mean "too fast": those are the
/// robot's 429 and are waited out like one (not counted as an attempt).
/// </summary>
internal static class RobotAnswer
{
    /// <summary>The outcome of a 200 answer, or null when it was delivered (code 0, no code, or not JSON).</summary>
    public static DeliveryResult? Classify(IntegrationKind kind, string body, string detail)
    {
        if (kind is not (IntegrationKind.DingTalk or IntegrationKind.Feishu or IntegrationKind.WeCom) || body.Length == 0)
        {
            return null;
        }
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        var code = json?["errcode"] ?? json?["code"] ?? json?["StatusCode"];
        if (code is not JsonValue value || !value.TryGetValue<long>(out var number) || number == 0)
        {
            return null;
        }
        var message = (json?["errmsg"] ?? json?["msg"] ?? json?["StatusMessage"]) is JsonValue m && m.TryGetValue<string>(out var text) ? text : "";
        return RateLimited(kind, number, message) is var (limited, wait) && limited
            ? DeliveryResult.Throttled(detail, wait)
            : DeliveryResult.Fail("the robot refused it: " + detail);
    }

    /// <summary>Whether a code means "too fast", and the wait the platform documents for it (null: the default).</summary>
    private static (bool Limited, TimeSpan? Wait) RateLimited(IntegrationKind kind, long code, string message) => (kind, code) switch
    {
        // "send too fast, exceed 20 times per minute": the robot is then throttled for 10 minutes.
        (IntegrationKind.DingTalk, 130101) => (true, TimeSpan.FromMinutes(10)),
        // WeCom's "api freq out of limit" (the robot takes 20 a minute).
        (IntegrationKind.WeCom, 45009) => (true, null),
        // Feishu's custom-bot frequency limit (100 a minute, 5 a second).
        (IntegrationKind.Feishu, 11232) => (true, null),
        // 9499 is Feishu's generic "Bad Request" (a malformed or over-20 KB body: permanent); its gateway also uses it
        // for "too many request", which is told apart by the message.
        (IntegrationKind.Feishu, 9499) => (message.Contains("too many request", StringComparison.OrdinalIgnoreCase), null),
        _ => (false, null),
    };
}
