using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Host;

namespace Bulwark.Cli.Tests.DeadLetters;

/// <summary><c>bulwark dlq</c> against the real shop: a poison return in its DLQ, listed, shown and purged from the CLI.</summary>
public sealed class DeadLetterCommandTests
{
    private const string AdminKey = "demo-admin-key-change-me";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListShowPurge_PoisonReturn_FindsItAndRemovesItOnce()
    {
        await using var shop = await StartShopAsync();
        var target = shop.Urls.First();
        var returnId = await PostPoisonReturnAsync(target);
        await WaitForDepthAsync(target, 1);

        var (listExit, listed, _) = await RunAsync("dlq", "list", "--target", target, "--api-key", AdminKey, "--queue", "returns");
        var letterId = await FirstLetterIdAsync(target);
        var (showExit, shown, _) = await RunAsync("dlq", "show", letterId, "--target", target, "--api-key", AdminKey);
        var (purgeExit, purged, _) = await RunAsync("dlq", "purge", letterId, "--target", target, "--api-key", AdminKey);
        var (againExit, _, againError) = await RunAsync("dlq", "purge", letterId, "--target", target, "--api-key", AdminKey);
        var (depthExit, depth, _) = await RunAsync("dlq", "depth", "--target", target, "--api-key", AdminKey);

        Assert.Equal(0, listExit);
        Assert.Contains("1 dead letter(s)", listed, StringComparison.Ordinal);
        Assert.Equal(0, showExit);
        Assert.Contains(returnId, shown, StringComparison.Ordinal);
        Assert.Contains("\"body\"", shown, StringComparison.Ordinal);
        Assert.Equal(0, purgeExit);
        Assert.Contains("purged: 1", purged, StringComparison.Ordinal);
        Assert.Equal(1, againExit);
        Assert.Contains("404", againError, StringComparison.Ordinal);
        Assert.Equal(0, depthExit);
        Assert.Equal("0", depth.Trim());
    }

    [Fact]
    public async Task List_WithoutAKey_Exits2NamingTheFix()
    {
        await using var shop = await StartShopAsync();

        var (exit, _, error) = await RunAsync("dlq", "list", "--target", shop.Urls.First());

        Assert.Equal(2, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("--api-key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dlq", "purge", "--all")]
    [InlineData("dlq", "redrive")]
    [InlineData("dlq", "redrive", "some-id", "--all")]
    [InlineData("dlq", "list", "--target", "http://10.1.2.3:5100")]
    [InlineData("dlq", "list", "--target", "not a url")]
    [InlineData("dlq", "list", "--limit", "0")]
    public async Task BadUsage_Exits2BeforeAnyRequest(params string[] args)
    {
        var (exit, _, error) = await RunAsync([.. args, "--api-key", AdminKey, .. args.Contains("--target") ? Array.Empty<string>() : ["--target", "http://127.0.0.1:1"]]);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("does not answer", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<WebApplication> StartShopAsync()
    {
        var app = ShopApp.Build(
        [
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            "--environment=Development",
            $"--Shop:Data:Path={Path.Combine(Path.GetTempPath(), "bulwark-cli-shop-" + Guid.NewGuid().ToString("N"))}",
            "--Shop:Externals:Launch=false",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync(Ct);
        return app;
    }

    private static async Task<string> PostPoisonReturnAsync(string target)
    {
        using var http = new HttpClient { BaseAddress = new Uri(target) };
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Guid.NewGuid().ToString()), "orderId" },
            { new StringContent("Broken"), "reason" },
            { new ByteArrayContent("just text, not a photo"u8.ToArray()), "photos", "photo-0.png" },
        };
        using var response = await http.PostAsync("/api/returns", form, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task WaitForDepthAsync(string target, long depth)
    {
        using var http = Admin(target);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var seen = (await http.GetFromJsonAsync<JsonElement>("/admin/dlq/depth", Ct)).GetProperty("depth").GetInt64();
            if (seen == depth)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"The DLQ never reached depth {depth}.");
    }

    private static async Task<string> FirstLetterIdAsync(string target)
    {
        using var http = Admin(target);
        return (await http.GetFromJsonAsync<JsonElement>("/admin/dlq", Ct))[0].GetProperty("id").GetString()!;
    }

    private static HttpClient Admin(string target)
    {
        var http = new HttpClient { BaseAddress = new Uri(target) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return http;
    }
}
