using System.Text;
using Bulwark.Messaging.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Tests.Serialization;

public sealed class MessageTypeRegistryTests
{
    [Fact]
    public void Register_SameNameForAnotherType_Throws()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(typeof(Ping), "ping.v1");
        var error = Assert.Throws<InvalidOperationException>(() => registry.Register(typeof(Registration), "ping.v1"));
        Assert.Contains("already registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_AliasOfAnOlderName_ReadsAsTheCurrentType()
    {
        var serializer = Serializer(b => b.AddMessageType<Ping>("ping.v2", aliases: "ping.v1"));
        var message = serializer.Deserialize(Envelope("ping.v1", """{"number":3,"removedField":"x"}"""), Encoding.UTF8.GetBytes("""{"number":3,"removedField":"x"}"""));
        Assert.Equal(new Ping(3), message);
    }

    [Fact]
    public void Deserialize_UnknownType_ThrowsAPermanentErrorNamingTheFix()
    {
        var serializer = Serializer(b => b.AddMessageType<Ping>("ping.v1"));
        var error = Assert.Throws<UnknownMessageTypeException>(() => serializer.Deserialize(Envelope("pong.v9", "{}"), "{}"u8.ToArray()));
        Assert.IsAssignableFrom<PermanentMessageException>(error);
        Assert.Contains("pong.v9", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddMessageType", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_InvalidMessage_ThrowsPermanentValidationError()
    {
        var serializer = Serializer(b => b.AddMessageType<Registration>("registration.v1"));
        var error = Assert.Throws<MessageDeserializationException>(() => serializer.Deserialize(Envelope("registration.v1", "{}"), "{}"u8.ToArray()));
        Assert.Contains("validation failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateEnvelope_UnregisteredType_ThrowsNamingTheFix()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging();
        services.AddSingleton<Transport.IMessageTransport, ManualTransport>();
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMessageBus>().CreateEnvelope(new Ping(1)));
        Assert.Contains("AddMessageType<Ping>", error.Message, StringComparison.Ordinal);
    }

    private static IMessageSerializer Serializer(Action<IMessagingBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddBulwarkMessaging());
        return services.BuildServiceProvider().GetRequiredService<IMessageSerializer>();
    }

    private static MessageEnvelope Envelope(string type, string body) =>
        new() { MessageId = "m1", MessageType = type, Body = Encoding.UTF8.GetBytes(body) };
}
