using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Tests.Training;

[Collection(TorchGlobalState.Name)]
public class RandomStateTests
{
    private static float[] Draw(int n)
    {
        using Tensor t = tensor(new float[n]);
        nn.init.uniform_(t);
        return t.data<float>();
    }

    [Fact]
    public void Restored_state_replays_the_same_draws()
    {
        random.manual_seed(1234);
        Draw(5);
        using Tensor state = random.get_rng_state();
        float[] first = Draw(100);
        float[] second = Draw(100);
        Assert.NotEqual(first, second);

        random.set_rng_state(state);
        Assert.Equal(first, Draw(100));
        Assert.Equal(second, Draw(100));
    }

    [Fact]
    public void State_is_a_one_dimensional_byte_tensor_and_a_copy()
    {
        random.manual_seed(1);
        using Tensor state = random.get_rng_state();
        Assert.Equal(ScalarType.Byte, state.dtype);
        Assert.Equal(1, state.dim());
        byte[] before = state.data<byte>();
        Draw(10);
        Assert.Equal(before, state.data<byte>());
        using Tensor later = random.get_rng_state();
        Assert.NotEqual(before, later.data<byte>());
    }

    [Fact]
    public void Manual_seed_sets_the_initial_seed_and_the_sequence()
    {
        random.manual_seed(77);
        Assert.Equal(77, random.initial_seed());
        float[] a = Draw(20);
        random.manual_seed(77);
        Assert.Equal(a, Draw(20));
    }

    [Fact]
    public void Invalid_states_are_rejected_with_a_clear_error()
    {
        using Tensor floats = tensor(new float[8]);
        Assert.Throws<ArgumentException>(() => random.set_rng_state(floats));
        using Tensor tooShort = tensor(new byte[8]);
        var e = Assert.Throws<TorchException>(() => random.set_rng_state(tooShort));
        Assert.NotEmpty(e.Message);
    }
}
