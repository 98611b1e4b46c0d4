// TensorEngine module.
