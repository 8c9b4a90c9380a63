using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Shop.Returns.Contracts;

namespace Shop.Host.Tests;

/// <summary>Returns: photos by claim check, a poison return in the DLQ while the others complete, redrive after a fix.</summary>
public sealed class ReturnsTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Return_ThreeMegabytePhotos_CompletesWithASmallMessageAndVerifiedChecksums()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        using var customer = await shop.NewCustomerAsync();
        var photos = new[] { Png(3 * 1024 * 1024), Png(3 * 1024 * 1024 + 17) };
        var order = await PlaceOrderAsync(customer.Client);

        using var response = await PostReturnAsync(customer.Client, order, "Arrived broken", photos);
        var accepted = (await response.Content.ReadFromJsonAsync<ReturnDto>(Ct))!;
        var done = await WaitForStatusAsync(customer.Client, accepted.Id, "completed");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/returns/{accepted.Id}", response.Headers.Location?.OriginalString);
        // The queue carried references, not 6 MB of photos (as base64 JSON the body would be ~8 MB).
        Assert.True(done.ClaimChecked);
        Assert.InRange(done.MessageBodyBytes!.Value, 0, 4 * 1024);
        Assert.Equal(order, done.OrderId);
        Assert.Equal(photos.Select(p => (long)p.Length), done.Photos.Select(p => p.SizeBytes));
        Assert.Equal(photos.Select(p => Convert.ToHexStringLower(SHA256.HashData(p))), done.Photos.Select(p => p.Sha256));
        Assert.All(done.Photos, p => Assert.Equal("png", p.Format));
        // ...and the photos sit in the blob store under the data folder, byte for byte (no base64, no envelope).
        var stored = Directory.EnumerateFiles(Path.Combine(shop.DataPath, "claim-checks"), "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).Order();
        Assert.Equal(photos.Select(p => (long)p.Length).Order(), stored);
    }

    [Fact]
    public async Task Return_PoisonPhoto_GoesToDlqWhileTwentyGoodReturnsComplete_AndRedriveAfterFixCompletesItOnce()
    {
        var heicFixed = false;
        await using var shop = (await RunningShop.StartAsync(services: s => s.PostConfigure<ReturnsOptions>(o =>
        {
            if (heicFixed)
            {
                o.AcceptedImageFormats += ",heic";
            }
        }))).AsPartner();
        using var customer = await shop.NewCustomerAsync();
        using var deliveries = new MetricCollector<long>(shop.Services.GetRequiredService<IMeterFactory>(), "Bulwark.Messaging", "bulwark.messaging.deliveries");

        // A HEIC photo: a real image, but a format this processor does not understand yet — the poison pill.
        var order = await PlaceOrderAsync(customer.Client);
        using var poisonResponse = await PostReturnAsync(customer.Client, order, "Wrong size", [Heic()]);
        var poison = (await poisonResponse.Content.ReadFromJsonAsync<ReturnDto>(Ct))!;
        var good = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await PostReturnAsync(customer.Client, order, $"Reason {i}", [Png(4096 + i)]);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            good.Add((await response.Content.ReadFromJsonAsync<ReturnDto>(Ct))!.Id);
        }

        foreach (var id in good)
        {
            await WaitForStatusAsync(customer.Client, id, "completed");
        }

        var rejected = await WaitForStatusAsync(customer.Client, poison.Id, "rejected");
        Assert.Contains("heic", rejected.Error, StringComparison.Ordinal);
        var letters = await shop.Admin.GetFromJsonAsync<JsonElement[]>("/admin/dlq?queue=returns", Ct);
        var letter = Assert.Single(letters!);
        Assert.Equal(poison.Id.ToString(), letter.GetProperty("messageId").GetString());
        Assert.True(letter.GetProperty("permanent").GetBoolean());
        Assert.Equal(1, letter.GetProperty("attempts").GetInt32());

        // The fix ships (the processor learns HEIC), then ops redrive the dead letter over the admin API.
        heicFixed = true;
        shop.Services.GetRequiredService<IOptionsMonitorCache<ReturnsOptions>>().Clear();
        using var redrive = await shop.Admin.PostAsync($"/admin/dlq/{letter.GetProperty("id").GetString()}/redrive", null, Ct);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);

        var completed = await WaitForStatusAsync(customer.Client, poison.Id, "completed");
        Assert.Equal("heic", Assert.Single(completed.Photos).Format);
        var depth = await shop.Admin.GetFromJsonAsync<JsonElement>("/admin/dlq/depth", Ct);
        Assert.Equal(0, depth.GetProperty("depth").GetInt64());
        // A second redrive attempt finds nothing: the message was processed once and left the DLQ.
        using var again = await shop.Admin.PostAsync($"/admin/dlq/{letter.GetProperty("id").GetString()}/redrive", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        // Processed once: 20 good + the redriven one acked, one dead-lettering, no retries of a permanent error.
        // (the ack follows the handler's commit, so wait for it rather than race it)
        await Eventually.WaitAsync(() => Task.FromResult(Count(deliveries, "acked")), n => n >= 21, "21 acks on 'returns'");
        Assert.Equal(21, Count(deliveries, "acked"));
        Assert.Equal(1, Count(deliveries, "dead_lettered"));
        Assert.Equal(0, Count(deliveries, "retried"));
    }

    [Fact]
    public async Task Return_NotAnImage_IsRejectedToTheDlq()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        using var customer = await shop.NewCustomerAsync();

        using var response = await PostReturnAsync(customer.Client, await PlaceOrderAsync(customer.Client), "Broken", ["just text, not a photo"u8.ToArray()]);
        var accepted = (await response.Content.ReadFromJsonAsync<ReturnDto>(Ct))!;
        var rejected = await WaitForStatusAsync(customer.Client, accepted.Id, "rejected");

        Assert.Contains("unknown format", rejected.Error, StringComparison.Ordinal);
        // The return is marked rejected before the bus moves its message to the DLQ: wait for the move, don't race it.
        var letters = await Eventually.WaitAsync(
            async () => await shop.Admin.GetFromJsonAsync<JsonElement[]>("/admin/dlq?queue=returns", Ct) ?? [],
            l => l.Length > 0,
            "the poison return in the DLQ");
        Assert.Equal(accepted.Id.ToString(), Assert.Single(letters).GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Return_BadShape_IsRefusedAtTheEdge()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        using var customer = await shop.NewCustomerAsync();

        using var noPhotos = await PostReturnAsync(customer.Client, await PlaceOrderAsync(customer.Client), "Broken", []);
        using var notMultipart = await customer.Client.PostAsJsonAsync("/api/returns", new { orderId = Guid.NewGuid() }, Ct);
        using var unknown = await customer.Client.GetAsync($"/api/returns/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, noPhotos.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static long Count(MetricCollector<long> collector, string outcome) =>
        collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue("queue", out var q) && Equals(q, "returns") && m.Tags.TryGetValue("outcome", out var o) && Equals(o, outcome))
            .Sum(m => m.Value);

    /// <summary>Places a real order (a return needs one); its payment may fail later, the order still exists.</summary>
    internal static async Task<Guid> PlaceOrderAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = 1, quantity = 1 } }, cardToken = "tok_visa", shippingPostcode = "10115" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    internal static async Task<HttpResponseMessage> PostReturnAsync(HttpClient client, Guid orderId, string reason, byte[][] photos)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(orderId.ToString()), "orderId" },
            { new StringContent(reason), "reason" },
        };
        for (var i = 0; i < photos.Length; i++)
        {
            var file = new ByteArrayContent(photos[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "photos", $"photo-{i}.png");
        }

        return await client.PostAsync("/api/returns", form, Ct);
    }

    internal static async Task<ReturnDto> WaitForStatusAsync(HttpClient client, Guid id, string status) =>
        await Eventually.WaitAsync(
            async () => (await client.GetFromJsonAsync<ReturnDto>($"/api/returns/{id}", Ct))!,
            r => r.Status == status, $"return {id} is {status}", seconds: 30);

    internal static byte[] Png(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        PngSignature.CopyTo(data, 0);
        return data;
    }

    private static byte[] Heic()
    {
        var data = new byte[2048];
        Random.Shared.NextBytes(data);
        new byte[] { 0, 0, 0, 0x18 }.CopyTo(data, 0);
        "ftypheic"u8.CopyTo(data.AsSpan(4));
        return data;
    }
}
