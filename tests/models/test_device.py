import pytest
import torch

import rnnlab


def test_default_device_follows_cuda_availability():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert rnnlab.default_device().type == expected
    assert rnnlab.resolve_device(None).type == expected


def test_resolve_device_accepts_strings_and_devices():
    assert rnnlab.resolve_device("cpu") == torch.device("cpu")
    assert rnnlab.resolve_device(torch.device("cpu")) == torch.device("cpu")


def test_resolve_device_names_bad_values():
    with pytest.raises(ValueError, match="device must be None, 'cpu'"):
        rnnlab.resolve_device("tpu-please")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without a GPU")
def test_asking_for_cuda_without_a_gpu_says_so():
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        rnnlab.resolve_device("cuda")
    assert rnnlab.try_gpu() == torch.device("cpu")


def test_notebook_setup_seeds_and_sets_threads():
    before = torch.get_num_threads()
    try:
        device = rnnlab.notebook.setup(seed=3, quiet=True, threads=1)
        a = torch.rand(3)
        rnnlab.notebook.setup(seed=3, quiet=True, threads=1)
        assert torch.equal(a, torch.rand(3)) and torch.get_num_threads() == 1
        assert device == rnnlab.default_device()
        with pytest.raises(ValueError, match="threads must be >= 1, got 0"):
            rnnlab.notebook.setup(threads=0)
    finally:
        torch.set_num_threads(before)
