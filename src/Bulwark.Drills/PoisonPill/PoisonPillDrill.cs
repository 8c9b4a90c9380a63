using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.PoisonPill;

/// <summary>
/// Poison Pill: sends a return whose photo can never be processed, then good returns right behind it, through the
/// running shop's <c>returns</c> queue; passes when the poison reaches the DLQ after a bounded number of attempts
/// while every good return completes promptly. Restores by deleting the drill's own dead letters.
/// </summary>
public sealed class PoisonPillDrill : Drill<PoisonPillOptions>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly List<string> _deadLetterIds = [];
    private DrillCustomer? _customer;
    private Guid _orderId;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public PoisonPillDrill(PoisonPillOptions? options = null)
        : base(new("poison-pill", "Poison Pill", "If a user sends a message that crashes the consumer, does the consumer loop forever, or does it eventually give up and move the message to a DLQ?", ["20 Dead Letter Queue"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync("/api/products", cancellationToken).ConfigureAwait(false);
        context.RequireOperatorKey("to read the dead-letter queue");

        using var admin = AdminClient(context);
        _deadLetterIds.Clear();
        await ListPoisonAsync(admin, [], cancellationToken).ConfigureAwait(false);

        using var http = Client(context);
        _customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        _orderId = await _customer.PlaceOrderAsync(http, context.DefaultHeaders, "a return needs an order", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var http = Client(context);
        using var admin = AdminClient(context);
        var fault = string.Create(CultureInfo.InvariantCulture, $"poison: {Options.PoisonReturns} unprocessable return(s)");
        context.Recorder.FaultOn(fault);
        var poison = new List<Guid>();
        var good = new Dictionary<Guid, long>();
        try
        {
            for (var i = 0; i < Options.PoisonReturns; i++)
            {
                // Text where a photo should be: the edge accepts it (it streams bytes), the processor never will.
                if (await PostReturnAsync(http, context, "drill: poison pill", "this is not a photo"u8.ToArray(), cancellationToken).ConfigureAwait(false) is { } id)
                {
                    poison.Add(id);
                }
            }

            for (var i = 0; i < Options.GoodReturns; i++)
            {
                if (await PostReturnAsync(http, context, "drill: good return", Png(Options.PhotoBytes), cancellationToken).ConfigureAwait(false) is { } id)
                {
                    good[id] = time.GetTimestamp();
                }
            }

            var started = time.GetTimestamp();
            var completed = new Dictionary<Guid, double>();
            var goodRejected = new HashSet<Guid>();
            var poisonRejected = new HashSet<Guid>();
            var dead = new Dictionary<Guid, int>();
            while (true)
            {
                foreach (var id in good.Keys.Where(id => !completed.ContainsKey(id) && !goodRejected.Contains(id)).ToList())
                {
                    switch (await StatusAsync(http, context, id, cancellationToken).ConfigureAwait(false))
                    {
                        case "completed":
                            completed[id] = time.GetElapsedTime(good[id]).TotalSeconds;
                            break;
                        case "rejected":
                            goodRejected.Add(id);
                            break;
                    }
                }

                foreach (var id in poison.Where(id => !poisonRejected.Contains(id)).ToList())
                {
                    if (await StatusAsync(http, context, id, cancellationToken).ConfigureAwait(false) == "rejected")
                    {
                        poisonRejected.Add(id);
                    }
                }

                foreach (var (id, attempts) in await ListPoisonAsync(admin, poison, cancellationToken).ConfigureAwait(false))
                {
                    dead[id] = attempts;
                }

                var settled = completed.Count + goodRejected.Count == good.Count && dead.Count == poison.Count && poisonRejected.Count == poison.Count;
                if (settled || time.GetElapsedTime(started) >= Options.SettleWithin)
                {
                    return PoisonPillJudge.Judge(
                        new PoisonPillMeasurements(
                            poison.Count,
                            good.Count,
                            completed.Count,
                            goodRejected.Count,
                            completed.Count == 0 ? 0 : Math.Round(completed.Values.Max(), 2),
                            poisonRejected.Count,
                            dead.Count,
                            dead.Count == 0 ? 0 : dead.Values.Max(),
                            time.GetElapsedTime(started)),
                        Options);
                }

                await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            context.Recorder.FaultOff(fault);
        }
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_deadLetterIds.Count == 0)
        {
            return;
        }

        // The drill's poison is not an operator's problem: take it out of the DLQ again.
        using var admin = AdminClient(context);
        foreach (var id in _deadLetterIds.ToList())
        {
            using var deleted = await admin.DeleteAsync(new Uri(Options.DeadLetterPath.TrimEnd('/') + "/" + Uri.EscapeDataString(id), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!deleted.IsSuccessStatusCode && deleted.StatusCode != HttpStatusCode.NotFound)
            {
                throw new DrillPreconditionException($"DELETE {Options.DeadLetterPath}/{id} answered {(int)deleted.StatusCode}; remove the drill's dead letter by hand (bulwark dlq).");
            }

            _deadLetterIds.Remove(id);
        }
    }

    private async Task<Guid?> PostReturnAsync(HttpClient http, DrillContext context, string reason, byte[] photo, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(_orderId.ToString()), "orderId" },
            { new StringContent(reason), "reason" },
        };
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "photos", "photo.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/returns") { Content = form };
        Prepare(request, context);
        var begin = context.TimeProvider.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DrillSkippedException("the target has no POST /api/returns (the shop's returns module), so there is no queue to poison.");
        }

        return response.StatusCode == HttpStatusCode.Accepted
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("id").GetGuid()
            : null;
    }

    private async Task<string?> StatusAsync(HttpClient http, DrillContext context, Guid id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/returns/" + id.ToString());
        Prepare(request, context);
        var begin = context.TimeProvider.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("status").GetString()
            : null;
    }

    /// <summary>The dead letters of the drill's poison returns (message id = return id), with their attempts; remembers them for restore.</summary>
    private async Task<List<(Guid Id, int Attempts)>> ListPoisonAsync(HttpClient admin, IReadOnlyCollection<Guid> poison, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"{Options.DeadLetterPath}?queue={Uri.EscapeDataString(Options.Queue)}&limit=1000");
        using var response = await admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            throw new DrillSkippedException(string.Create(
                CultureInfo.InvariantCulture,
                $"GET {path} on {admin.BaseAddress} answered {(int)response.StatusCode}: the drill reads the DLQ there with an operator key (--api-key); outside Development give the management URL (--set poison-pill.ManagementUrl=http://127.0.0.1:5109)."));
        }

        response.EnsureSuccessStatusCode();
        var letters = await response.Content.ReadFromJsonAsync<List<DeadLetterEntry>>(cancellationToken).ConfigureAwait(false) ?? [];
        var found = new List<(Guid, int)>();
        foreach (var letter in letters)
        {
            if (Guid.TryParse(letter.MessageId, out var id) && poison.Contains(id))
            {
                found.Add((id, letter.Attempts));
                if (!_deadLetterIds.Contains(letter.Id))
                {
                    _deadLetterIds.Add(letter.Id);
                }
            }
        }

        return found;
    }

    private void Prepare(HttpRequestMessage request, DrillContext context)
    {
        context.AddDefaultHeaders(request);
        _customer?.Authorize(request);
    }

    private HttpClient Client(DrillContext context) => LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);

    private HttpClient AdminClient(DrillContext context) => context.CreateClient(Options.RequestTimeout, Options.ManagementUrl);

    private static byte[] Png(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        PngSignature.CopyTo(data, 0);
        return data;
    }

    private sealed record DeadLetterEntry(string Id, string MessageId, int Attempts);
}
