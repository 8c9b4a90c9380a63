using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Shop.Host.Tests.Fleet;

/// <summary>One fleet of three shop processes for the tests of this class (they run one after another).</summary>
public sealed class FleetFixture : IAsyncLifetime
{
    internal ShopFleet Fleet { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Fleet = await ShopFleet.StartAsync(3);

    public async ValueTask DisposeAsync()
    {
        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 13, item 2: three shop instances on one PostgreSQL, Redis and RabbitMQ (real servers, real processes over
/// loopback). The Codex's guarantees must hold for the fleet, not per instance: one rate limit, one cache, one relay
/// per message, one run per saga, one writer per projection that fails over when its process dies.
/// </summary>
[Collection(RabbitMqShopTestGroup.Name)]
public sealed class FleetTests(FleetFixture fixture) : IClassFixture<FleetFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ShopFleet Fleet => fixture.Fleet;

    [Fact]
    public async Task RateLimit_ThreeInstances_AdmitExactlyTheLimitInAll()
    {
        var instances = Fleet.Alive;
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var requests = ShopFleet.MeteredLimit * 3;
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = 12, CancellationToken = Ct }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
            request.Headers.Add("X-Api-Key", ShopFleet.MeteredKey);
            using var response = await instances[i % instances.Count].Client.SendAsync(request, ct);
            statuses.Add(response.StatusCode);
        });

        // Each instance alone would admit the limit: 3 × 30 = 90. Counted in Redis, the fleet admits 30.
        Assert.Equal(ShopFleet.MeteredLimit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(requests - ShopFleet.MeteredLimit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task PriceChange_OnOneInstance_EveryInstanceServesTheNewPriceWithinOneSecond()
    {
        var instances = Fleet.Alive;
        const int productId = 2;
        // Every instance holds the product in its in-memory cache.
        var before = new List<long>();
        foreach (var instance in instances)
        {
            before.Add(await PriceAsync(instance, productId));
        }

        Assert.Single(before.Distinct());
        var newPrice = before[0] + 101;

        using var admin = AdminClient(instances[0]);
        using var change = await admin.PutAsJsonAsync($"/api/products/{productId}/price", new { priceCents = newPrice }, Ct);
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var changed = Stopwatch.StartNew();
        Assert.Equal(newPrice, (await change.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("priceCents").GetInt64());

        foreach (var instance in instances.Skip(1))
        {
            while (await PriceAsync(instance, productId) != newPrice)
            {
                Assert.True(changed.Elapsed < TimeSpan.FromSeconds(1), $"{instance.Name} still serves the old price {changed.ElapsedMilliseconds} ms after the change");
                await Task.Delay(20, Ct);
            }
        }
    }

    [Fact]
    public async Task Outbox_SignUpsOnEveryInstance_EachMessageReachesTheBrokerOnce()
    {
        // A queue of the test's own on the fleet's exchange sees every message every relay publishes.
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        var tap = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: Ct)).QueueName;
        await channel.QueueBindAsync(tap, Fleet.Exchange, "#", cancellationToken: Ct);
        var seen = new ConcurrentDictionary<string, int>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            seen.AddOrUpdate(delivery.BasicProperties.MessageId ?? string.Empty, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(tap, autoAck: true, consumer, Ct);

        var instances = Fleet.Alive;
        var before = await Fleet.CountAsync("SELECT count(*) FROM bulwark_outbox");
        const int signUps = 30;
        await Parallel.ForAsync(0, signUps, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (i, _) =>
        {
            using var customer = await ShopCustomer.SignUpAsync(instances[i % instances.Count].Client.BaseAddress!);
        });

        var written = await Fleet.CountAsync("SELECT count(*) FROM bulwark_outbox") - before;
        Assert.True(written >= signUps, $"{written} outbox rows for {signUps} sign-ups");
        await Eventually.WaitAsync(() => Fleet.CountAsync("SELECT count(*) FROM bulwark_outbox WHERE published_at IS NULL"), n => n == 0, "every outbox row published");
        await Eventually.WaitAsync(() => Task.FromResult(seen.Count), n => n >= written, $"{written} messages on the exchange");
        // Relays that raced would show a message twice shortly after the first copy: give them that moment.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);

        Assert.Equal(written, seen.Count);
        Assert.DoesNotContain(seen, m => m.Value > 1);
    }

    [Fact]
    public async Task Projections_ThreeInstances_EachProjectionHasExactlyOneWriter()
    {
        var writers = await Eventually.WaitAsync(Fleet.ProjectionWritersAsync, w => w.Count == 2, "both projections (product list, order history) with a writer");

        Assert.All(writers.Values, holders => Assert.Single(holders));
        Assert.All(writers.Values, holders => Assert.StartsWith("shop-fleet-", holders[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Saga_AnInstanceJoinsWhileSagasRunElsewhere_TakesNoneOverAndChargesNothing()
    {
        const int orders = 4;
        // A fleet member (in this process, so a test hook can hold its sagas) whose sagas stop after prepare-payment
        // and stay there, alive: a long charge in a healthy instance looks exactly like this from the outside.
        await using var busy = await RunningShop.StartAsync(null, SagaDeath.AfterSaving("prepare-payment"), Fleet.Args(Fleet.NextName()));
        var placed = new List<Guid>();
        for (var i = 0; i < orders; i++)
        {
            using var customer = await busy.NewCustomerAsync();
            placed.Add(await ReturnsTests.PlaceOrderAsync(customer.Client));
        }

        await Eventually.WaitAsync(
            () => Fleet.CountAsync("SELECT count(*) FROM bulwark_sagas WHERE status = 0 AND completed_steps = 3"), n => n == orders, "every saga held before its charge");
        var chargesBefore = await StandIns.RequestCountAsync(Fleet.StandIns.Payments);

        var joiner = await Fleet.AddInstanceAsync();
        // The start-up sweep logs this line when it is done (after any run it took over has ended).
        _ = await joiner.WaitForLineAsync(l => l.Contains("unfinished order-fulfilment sagas", StringComparison.Ordinal), TimeSpan.FromSeconds(90));

        // Taking them over would charge each order a second time while the first run may still charge it.
        Assert.DoesNotContain(joiner.Lines, l => l.Contains("Resuming saga order-fulfilment", StringComparison.Ordinal));
        Assert.Equal(chargesBefore, await StandIns.RequestCountAsync(Fleet.StandIns.Payments));
        Assert.Equal(orders, await Fleet.CountAsync("SELECT count(*) FROM bulwark_sagas WHERE status = 0 AND completed_steps = 3"));
    }

    [Fact]
    public async Task Projection_WriterProcessKilled_AnotherInstanceTakesOverAndPriceChangesStillAnswer()
    {
        var writers = await Eventually.WaitAsync(Fleet.ProjectionWritersAsync, w => w.Count == 2, "both projections with a writer");
        // The product list's writer: the lock whose holder, when asked, is the instance serving price changes' reads.
        var victimName = writers.Values.First()[0];
        var victim = Fleet.Named(victimName);
        var victimLocks = writers.Where(w => w.Value.Contains(victimName)).Select(w => w.Key).ToList();

        await victim.KillAsync();
        var killed = Stopwatch.StartNew();
        var after = await Eventually.WaitAsync(
            Fleet.ProjectionWritersAsync,
            w => victimLocks.All(k => w.TryGetValue(k, out var holders) && holders.Count == 1 && holders[0] != victimName),
            "a surviving instance holding every lease the dead one held",
            seconds: 10);
        var failover = killed.Elapsed;

        Assert.All(after.Values, holders => Assert.Single(holders));
        Assert.True(failover < TimeSpan.FromSeconds(5), $"fail-over took {failover.TotalMilliseconds:0} ms");

        // The survivors keep writing the read model: a price change waits for it and answers the new price.
        var survivor = Fleet.Alive[0];
        var price = await PriceAsync(survivor, 3) + 7;
        using var admin = AdminClient(survivor);
        using var change = await admin.PutAsJsonAsync("/api/products/3/price", new { priceCents = price }, Ct);
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(price, (await change.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("priceCents").GetInt64());
        foreach (var instance in Fleet.Alive)
        {
            Assert.Equal(price, await Eventually.WaitAsync(() => PriceAsync(instance, 3), p => p == price, $"{instance.Name} serving the new price", seconds: 5));
        }
    }

    private static HttpClient AdminClient(ShopProcess instance)
    {
        var client = new HttpClient { BaseAddress = instance.Client.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", RunningShop.AdminKey);
        return client;
    }

    // Through the internal tier's key: these reads are not what the rate-limit test meters.
    private static async Task<long> PriceAsync(ShopProcess instance, int productId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/products/{productId}");
        request.Headers.Add("X-Api-Key", ShopCustomer.SetupKey);
        using var response = await instance.Client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("priceCents").GetInt64();
    }
}
