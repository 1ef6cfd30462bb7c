using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>Answers remembered under an Idempotency-Key (migration 0014): the first stored wins, old ones are forgotten.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Idempotent_answers_keep_the_first_answer_per_scope_and_key_and_are_forgotten_when_old()
    {
        var day = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var first = new IdempotentAnswer("sli-events tok-1", "key-1", "hash-a", 200, """{"accepted":3,"minutes":1}""", day);
        var otherCaller = first with { Scope = "sli-events tok-2", Body = """{"accepted":9,"minutes":2}""" };
        await Apply(Changes(c => c.IdempotentAnswers.AddRange([first, otherCaller])));
        // A second answer under the same key (another server raced this one) does not replace the first.
        await Apply(Changes(c => c.IdempotentAnswers.Add(first with { RequestHash = "hash-b", Body = "{}" })));

        await ReopenAsync();
        Assert.Equal(first, await Store.GetIdempotentAnswerAsync("sli-events tok-1", "key-1"));
        Assert.Equal(otherCaller, await Store.GetIdempotentAnswerAsync("sli-events tok-2", "key-1"));
        Assert.Null(await Store.GetIdempotentAnswerAsync("sli-events tok-1", "KEY-1"));

        var later = new IdempotentAnswer("sli-events tok-1", "key-2", "hash-c", 200, "{}", day.AddDays(1));
        await Apply(Changes(c =>
        {
            c.IdempotentAnswers.Add(later);
            c.ForgetIdempotentAnswersBefore = day.AddHours(1);
        }));
        Assert.Null(await Store.GetIdempotentAnswerAsync("sli-events tok-1", "key-1"));
        Assert.Null(await Store.GetIdempotentAnswerAsync("sli-events tok-2", "key-1"));
        Assert.Equal(later, await Store.GetIdempotentAnswerAsync("sli-events tok-1", "key-2"));
    }
}
