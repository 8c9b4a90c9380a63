using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Reviews.Contracts;
using Shop.Reviews.Host;

namespace Shop.Reviews.Tests;

/// <summary>
/// The Reviews module both ways (Codex 31): in the caller's process, and in its own process (the reviews service on
/// Kestrel over loopback, its own data) reached over HTTP. A caller holds <see cref="IReviewsApi"/> and gets the same
/// answers either way; only composition differs.
/// </summary>
public sealed class ReviewsPlacementTests : IAsyncLifetime
{
    private readonly string _serviceData = Temp("reviews-service");
    private WebApplication _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _service = HostLogFile.LogToFile(ReviewsServiceApp.Build(["--urls=http://127.0.0.1:0", $"--Shop:Data:Path={_serviceData}", "--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "reviews-service");
        await _service.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4)]
    public async Task GetSummary_InProcessAndRemote_SameAnswer(int productId)
    {
        await using var inProcess = await CallerAsync(ModulePlacement.InProcess);
        await using var remote = await CallerAsync(ModulePlacement.Remote);

        var local = await inProcess.Services.GetRequiredService<IReviewsApi>().GetSummaryAsync(productId, 3, Ct);
        var overHttp = await remote.Services.GetRequiredService<IReviewsApi>().GetSummaryAsync(productId, 3, Ct);

        Assert.Equal(local.Count, overHttp.Count);
        Assert.Equal(local.AverageRating, overHttp.AverageRating);
        Assert.Equal(local.Latest, overHttp.Latest);
    }

    [Fact]
    public async Task Remote_CallerKeepsNoReviewsData_TheServiceOwnsIt()
    {
        await using var remote = await CallerAsync(ModulePlacement.Remote);

        await remote.Services.GetRequiredService<IReviewsApi>().GetSummaryAsync(3, 3, Ct);

        // Remote: no reviews database handle, no migration, no file in the caller's data folder.
        Assert.Null(remote.Services.GetService<ModuleDatabase<ReviewsModule>>());
        Assert.False(Directory.Exists(remote.DataPath) && Directory.EnumerateFiles(remote.DataPath).Any());
        Assert.True(File.Exists(Path.Combine(_serviceData, ShopDataOptions.DefaultFileName)));
    }

    [Fact]
    public async Task Remote_ServiceDown_CallerGetsAnHttpFailureItAlreadyHandles()
    {
        await using var remote = await CallerAsync(ModulePlacement.Remote, $"http://127.0.0.1:{FreePort.Refusing}");

        await Assert.ThrowsAsync<HttpRequestException>(() => remote.Services.GetRequiredService<IReviewsApi>().GetSummaryAsync(3, 3, Ct));
    }

    [Fact]
    public async Task Remote_ManyParallelCallers_AllAnswered()
    {
        await using var remote = await CallerAsync(ModulePlacement.Remote);
        var reviews = remote.Services.GetRequiredService<IReviewsApi>();

        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(1, 32).Select(i => Task.Run(() => reviews.GetSummaryAsync(1 + (i % 60), 2, Ct), Ct)));

            Assert.All(answers, a => Assert.InRange(a.Latest.Count, 0, 2));
        }
    }

    private async Task<Caller> CallerAsync(ModulePlacement mode, string? url = null)
    {
        var dataPath = Temp("reviews-caller");
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Shop:Reviews:Mode"] = mode.ToString(),
            ["Shop:Reviews:Url"] = url ?? _service.Urls.First(),
            ["Shop:Data:Path"] = dataPath,
        });
        builder.Services.AddLogging();
        // The choice the shop host makes (ShopApp): one module or the other, by Shop:Reviews:Mode.
        if (RemoteReviewsModule.IsChosen(builder.Configuration))
        {
            builder.Services.AddShopModule<RemoteReviewsModule>(builder.Configuration);
        }
        else
        {
            builder.Services.AddShopModule<ReviewsModule>(builder.Configuration);
        }
        var host = builder.Build();
        await host.StartAsync(Ct);
        return new Caller(host, dataPath);
    }

    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"bulwark-{name}-{Guid.NewGuid():N}");

    private sealed class Caller(IHost host, string dataPath) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public string DataPath => dataPath;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
