using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Cli.Tests.Edge;

/// <summary>
/// <c>bulwark edge</c>'s HTTP side, which it shares with <c>bulwark dlq</c> (issue 11): the answer, a refusal and a
/// missing key from an edge stand-in on Kestrel (the switch's own logic is tested with the real edge in
/// Bulwark.Edge.Tests), and bad or unreachable targets.
/// </summary>
public sealed class EdgeCommandTests
{
    private const string Key = "edge-test-key";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Switch_EdgeAnswers_PrintsItsDetailAndExits0()
    {
        await using var edge = await StartEdgeAsync();

        var (exit, output, _) = await RunAsync("edge", "switch", "green", "--edge", edge.Urls.First(), "--api-key", Key);

        Assert.Equal(0, exit);
        Assert.Contains("switched to green", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switch_EdgeRefuses_Exits1WithTheProblemDetail()
    {
        await using var edge = await StartEdgeAsync();

        var (exit, _, error) = await RunAsync("edge", "switch", "purple", "--edge", edge.Urls.First(), "--api-key", Key);

        Assert.Equal(1, exit);
        Assert.Contains("409 from POST /edge/release/switch: There is no slot purple.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switch_WithoutTheKey_Exits2NamingTheFix()
    {
        await using var edge = await StartEdgeAsync();

        var (exit, _, error) = await RunAsync("edge", "switch", "green", "--edge", edge.Urls.First(), "--api-key", "wrong");

        Assert.Equal(2, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("--api-key or BULWARK_EDGE_KEY", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_EdgeDown_Exits2SayingItDoesNotAnswer()
    {
        var (exit, _, error) = await RunAsync("edge", "status", "--edge", $"http://127.0.0.1:{FreePort.Refusing}", "--api-key", Key);

        Assert.Equal(2, exit);
        Assert.Contains("does not answer", error, StringComparison.Ordinal);
        Assert.Contains("is --edge right?", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.1.2.3:5080", "clear text")]
    [InlineData("not a url", "is not an http(s) URL")]
    public async Task Status_BadTarget_Exits2BeforeAnyRequest(string target, string expected)
    {
        var (exit, _, error) = await RunAsync("edge", "status", "--edge", target, "--api-key", Key);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("does not answer", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    // Answers the one operator call these tests make the way the edge does: problem details, the key as X-Api-Key.
    private static async Task<WebApplication> StartEdgeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        var app = builder.Build();
        app.MapPost("/edge/release/switch", (HttpContext context, SwitchRequest request) =>
            context.Request.Headers["X-Api-Key"] != Key
                ? Results.Problem(detail: "An operator key is required.", statusCode: StatusCodes.Status401Unauthorized)
                : request.Slot == "green"
                    ? Results.Ok(new { detail = $"switched to {request.Slot}" })
                    : Results.Problem(detail: $"There is no slot {request.Slot}.", statusCode: StatusCodes.Status409Conflict));
        await app.StartAsync(Ct);
        return app;
    }

    private sealed record SwitchRequest(string Slot);
}
