// The element types (`Float`, `Double` as ``TensorScalar``), ``UnaryFunction`` and the thread-count
// settings come from KernelCore, the module under this one; users of TensorEngine see them directly.
@_exported import KernelCore
