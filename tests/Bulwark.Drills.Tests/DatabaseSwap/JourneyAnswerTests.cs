using Bulwark.Drills.DatabaseSwap;

namespace Bulwark.Drills.Tests.DatabaseSwap;

public sealed class JourneyAnswerTests
{
    private static JourneyAnswer New() => new(new DatabaseSwapOptions().PerRunFieldSet());

    [Fact]
    public void Fields_IdsTimesAndTokens_ReplacedBusinessValuesKept()
    {
        var fields = New().Fields("""
            {"id":"0193f0e2-7c1a-7d3e-9a4b-1c2d3e4f5a6b","totalCents":3998,"currency":"EUR","placedAt":"2026-12-06T22:41:07.1234567+00:00",
             "accessToken":"eyJhbGciOi.x.y","traceId":"00-abc-def-01","lines":[{"productId":3,"quantity":2}],"reason":null}
            """);

        Assert.Equal("\"{id1}\"", fields["id"]);
        Assert.Equal("3998", fields["totalCents"]);
        Assert.Equal("\"EUR\"", fields["currency"]);
        Assert.Equal("\"{time}\"", fields["placedAt"]);
        Assert.Equal(JourneyAnswer.PerRun, fields["accessToken"]);
        Assert.Equal(JourneyAnswer.PerRun, fields["traceId"]);
        Assert.Equal("3", fields["lines[0].productId"]);
        Assert.Equal("2", fields["lines[0].quantity"]);
        Assert.Equal("null", fields["reason"]);
    }

    [Fact]
    public void Fields_SameIdTwiceInEitherForm_SamePlaceholderAndANewIdTheNext()
    {
        var answer = New();

        var first = answer.Fields("""{"id":"0193f0e2-7c1a-7d3e-9a4b-1c2d3e4f5a6b"}""");
        // The wallet endpoints write ids without dashes: the same id, the same placeholder.
        var again = answer.Fields("""{"href":"/api/wallets/0193f0e27c1a7d3e9a4b1c2d3e4f5a6b","other":"5f1e6a3b-0000-4000-8000-0000000000aa"}""");

        Assert.Equal("\"{id1}\"", first["id"]);
        Assert.Equal("\"/api/wallets/{id1}\"", again["href"]);
        Assert.Equal("\"{id2}\"", again["other"]);
    }

    [Fact]
    public void Fields_NotJson_ComparedAsTextCut()
    {
        var fields = New().Fields("<html>" + new string('x', 2_000) + "</html>");

        Assert.StartsWith("<html>", fields[JourneyAnswer.TextBody], StringComparison.Ordinal);
        Assert.True(fields[JourneyAnswer.TextBody].Length < 600);
    }

    [Fact]
    public void Fields_EmptyBody_NoFields() => Assert.Empty(New().Fields(""));

    [Fact]
    public void Fields_PerRunObject_EveryValueBelowReplaced()
    {
        var fields = new JourneyAnswer(new HashSet<string>(["session"], StringComparer.OrdinalIgnoreCase)).Fields("""{"session":{"nonce":7,"hint":"abc"},"balanceCents":2500}""");

        Assert.Equal(JourneyAnswer.PerRun, fields["session.nonce"]);
        Assert.Equal(JourneyAnswer.PerRun, fields["session.hint"]);
        Assert.Equal("2500", fields["balanceCents"]);
    }
}
