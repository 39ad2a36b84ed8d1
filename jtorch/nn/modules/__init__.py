from .activation import ReLU
from .conv import Conv1d, Conv2d, Conv3d, MaxPool1d, MaxPool2d, MaxPool3d
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .linear import Identity, Linear
from .module import Module
