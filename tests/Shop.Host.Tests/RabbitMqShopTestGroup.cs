namespace Shop.Host.Tests;

/// <summary>
/// Tests whose shops subscribe on the one test broker: the module queues carry the module names (not the test's), so
/// two such shops at once would take each other's messages. They run one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqShopTestGroup
{
    public const string Name = "RabbitMQ shop";
}
