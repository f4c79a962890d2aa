/// Copies of the lessons' headers, titles and first paragraphs, compiled into the program so
/// `cnnviz tutorial` still works where the Tutorials folder is missing (a binary copied elsewhere).
/// `LessonLibraryTests.testBuiltinCopiesMatchTheLessonFiles` fails when these drift from the files
/// in Tutorials/: after editing a lesson's header or first paragraph, copy it here too.
enum BuiltinLessons {
    static func lessons(_ language: Language) -> [Lesson] {
        (language == .en ? english : spanish).compactMap { text in
            var lesson = try? LessonFile.parse(text, source: "built-in")
            lesson?.language = language
            return lesson
        }
    }

    static let english: [String] = [
        #"""
        ---
        tutorial: convolution
        input: 1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1
        kernel: 2 0; 1 -1
        bias: 0
        stride: 1
        padding: valid
        ---
        # Convolution: a {input} input becomes {output}

        A convolution slides a small kernel over its input. At each position it multiplies the cells it covers by the kernel's cells, adds the products, and adds a bias: that sum is one cell of the output. With stride {stride} and padding `{padding}`, a {kernel} kernel fits in {output} positions of a {input} input, so the output is {output}.
        """#,
        #"""
        ---
        tutorial: pooling
        input: 1 3 2 1; 4 6 5 0; 7 1 9 2; 3 8 4 6
        pool-size: 2
        mode: max
        ---
        # Max pooling: keep the largest value of each window

        Max pooling cuts the input into windows ({pool-size}×{pool-size} here; 2×2 is Keras' default) and keeps only the largest value of each. A {input} input becomes {output}: the strongest response of each window survives, and the map gets smaller. Pooling has no weights; nothing in it is learned.
        """#,
        #"""
        ---
        tutorial: padding-stride
        input: 1 2 3 4 5; 6 7 8 9 10; 11 12 13 14 15; 16 17 18 19 20; 21 22 23 24 25
        kernel: 1 1 1; 1 1 1; 1 1 1
        bias: 0
        ---
        # Padding and stride: how big is the output?

        Two settings decide the size of a convolution's output. The stride is how many cells the kernel moves each time. The padding says what happens at the border: `valid` adds nothing, so the kernel stays inside the input and the output shrinks; `same` adds zeros around the input so that, with stride 1, the output keeps the input's size. This lesson runs the same {input} input and {kernel} kernel (all ones, so each output is simply the sum of its window) under all four combinations.
        """#,
        #"""
        ---
        tutorial: channels
        input: 1 0 2 1; 0 1 0 2; 2 0 1 0; 1 2 0 1 | 0 1 1 0; 1 0 1 1; 0 1 0 1; 1 1 0 0 | 2 1 0 0; 0 2 1 0; 0 0 2 1; 1 0 0 2
        kernel: 1 0 0; 0 1 0; 0 0 1 | 0 -1 0; -1 0 -1; 0 -1 0 | 0 0 1; 0 1 0; 1 0 0
        bias: 1
        ---
        # Channels: what Conv2D really does on an RGB image

        A colour image has three channels (red, green, blue), so a Conv2D kernel for it has three slices, one per channel: a 3×3 kernel on RGB is really 3×3×3. Each slice slides over its own channel exactly as in the convolution tutorial, the three sums are added, and the bias is added once. One filter gives one output map, whatever the number of input channels.
        """#,
        #"""
        ---
        tutorial: relu
        input: 2 -1 0; -3 4 -0.5; 1 -2 3
        ---
        # ReLU: negatives become zero

        ReLU (rectified linear unit) is the activation of the coursework's Conv2D and first Dense layer: y = max(0, z). Positive values pass unchanged; negative values become 0. It is what makes a stack of layers more than one big linear map, and it is cheap.
        """#,
        #"""
        ---
        tutorial: flatten-dense
        input: 1 0; 2 1 | 0 3; 1 2
        kernel: 0.5 -0.5 0.25 0.25 -0.25 0.5 0.5 -0.25
        bias: 0.25
        classes: cats, dogs
        ---
        # Flatten, one Dense neuron, the sigmoid and the 0.5 threshold

        The end of the coursework's network turns feature maps into an answer. Flatten lines all the numbers up in one vector; a Dense neuron takes a weighted sum plus a bias, z; the sigmoid turns z into a probability p between 0 and 1; and p > 0.5 means class 1. This lesson also shows why the coursework's `if result[0][0] == 1:` almost never says "dog".
        """#,
        #"""
        ---
        tutorial: edges
        size: 64
        ---
        # Edges, blur and sharpen: classic kernels on a real picture

        Before neural networks, people designed kernels by hand. A kernel whose values add up to 0 answers 0 on a flat area and lights up where the brightness changes: an edge detector. One whose values are all positive and add up to 1 averages its neighbourhood: a blur. The first layer of a trained CNN tends to find kernels much like these by itself, which is why they are worth seeing.
        """#,
        #"""
        ---
        tutorial: backprop
        input: 1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1
        kernel: 2 0; 1 -1
        bias: 0
        target: 0 0 0; 0 0 0; 0 0 0
        learning-rate: 0.01
        loss: squared
        ---
        # Backprop: one training step of a {kernel} kernel

        Training changes each weight a little in the direction that lowers the loss. This lesson does one such step by hand for a {kernel} kernel, as in the convolution tutorial: the output y, the loss L, how L changes with each output cell (dL/dy), how it changes with each kernel weight (dL/dK), and the kernel after one step of SGD.
        """#,
    ]

    static let spanish: [String] = [
        #"""
        ---
        tutorial: convolution
        input: 1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1
        kernel: 2 0; 1 -1
        bias: 0
        stride: 1
        padding: valid
        ---
        # Convolución: una entrada de {input} se convierte en {output}

        Una convolución desliza un kernel (filtro) pequeño sobre la entrada. En cada posición multiplica las celdas que cubre por las del kernel, suma los productos y añade un sesgo (bias): esa suma es una celda de la salida. Con paso {stride} y relleno `{padding}`, un kernel de {kernel} cabe en {output} posiciones de una entrada de {input}, así que pasamos de una representación de {input} a una de {output}.
        """#,
        #"""
        ---
        tutorial: pooling
        input: 1 3 2 1; 4 6 5 0; 7 1 9 2; 3 8 4 6
        pool-size: 2
        mode: max
        ---
        # Max pooling: quedarse con el valor más grande de cada ventana

        El max pooling divide la entrada en ventanas (de {pool-size}×{pool-size} aquí; 2×2 es el valor por defecto en Keras) y se queda solo con el valor más grande de cada una. Una entrada de {input} pasa a {output}: sobrevive la respuesta más fuerte de cada ventana y el mapa se hace más pequeño. El pooling no tiene pesos; en él no se aprende nada.
        """#,
        #"""
        ---
        tutorial: padding-stride
        input: 1 2 3 4 5; 6 7 8 9 10; 11 12 13 14 15; 16 17 18 19 20; 21 22 23 24 25
        kernel: 1 1 1; 1 1 1; 1 1 1
        bias: 0
        ---
        # Relleno (padding) y paso (stride): ¿de qué tamaño es la salida?

        Dos ajustes deciden el tamaño de la salida de una convolución. El paso (stride) es cuántas celdas avanza el kernel cada vez. El relleno (padding) dice qué pasa en el borde: `valid` no añade nada, así que el kernel no sale de la entrada y la salida encoge; `same` añade ceros alrededor para que, con paso 1, la salida conserve el tamaño de la entrada. Esta lección aplica la misma entrada de {input} y el mismo kernel de {kernel} (todo unos, así que cada salida es simplemente la suma de su ventana) con las cuatro combinaciones.
        """#,
        #"""
        ---
        tutorial: channels
        input: 1 0 2 1; 0 1 0 2; 2 0 1 0; 1 2 0 1 | 0 1 1 0; 1 0 1 1; 0 1 0 1; 1 1 0 0 | 2 1 0 0; 0 2 1 0; 0 0 2 1; 1 0 0 2
        kernel: 1 0 0; 0 1 0; 0 0 1 | 0 -1 0; -1 0 -1; 0 -1 0 | 0 0 1; 0 1 0; 1 0 0
        bias: 1
        ---
        # Canales: lo que hace de verdad Conv2D con una imagen RGB

        Una imagen en color tiene tres canales (rojo, verde, azul), así que un kernel de Conv2D para ella tiene tres capas, una por canal: un kernel de 3×3 sobre RGB es en realidad de 3×3×3. Cada capa recorre su propio canal igual que en el tutorial de convolución, las tres sumas se suman y el sesgo se añade una sola vez. Un filtro da un mapa de salida, sea cual sea el número de canales de entrada.
        """#,
        #"""
        ---
        tutorial: relu
        input: 2 -1 0; -3 4 -0.5; 1 -2 3
        ---
        # ReLU: los negativos pasan a cero

        ReLU (unidad lineal rectificada) es la activación de la Conv2D y de la primera capa Dense del curso: y = max(0, z). Los valores positivos pasan sin cambios; los negativos se convierten en 0. Es lo que hace que una pila de capas sea algo más que una gran función lineal, y es barata.
        """#,
        #"""
        ---
        tutorial: flatten-dense
        input: 1 0; 2 1 | 0 3; 1 2
        kernel: 0.5 -0.5 0.25 0.25 -0.25 0.5 0.5 -0.25
        bias: 0.25
        classes: cats, dogs
        ---
        # Flatten, una neurona Dense, la sigmoide y el umbral 0.5

        El final de la red del curso convierte los mapas de características en una respuesta. Flatten pone todos los números en fila en un vector; una neurona Dense calcula una suma ponderada más un sesgo, z; la sigmoide convierte z en una probabilidad p entre 0 y 1; y p > 0.5 significa clase 1. Esta lección también muestra por qué el `if result[0][0] == 1:` del curso casi nunca dice "perro".
        """#,
        #"""
        ---
        tutorial: edges
        size: 64
        ---
        # Bordes, desenfoque y enfoque: kernels clásicos sobre una imagen real

        Antes de las redes neuronales, los kernels se diseñaban a mano. Un kernel cuyos valores suman 0 da 0 en una zona lisa y se ilumina donde cambia el brillo: un detector de bordes. Uno con todos los valores positivos que suman 1 promedia su vecindad: un desenfoque. La primera capa de una CNN entrenada suele encontrar por sí sola kernels muy parecidos, por eso vale la pena verlos.
        """#,
        #"""
        ---
        tutorial: backprop
        input: 1 2 3 0; 0 1 2 3; 3 0 1 2; 2 3 0 1
        kernel: 2 0; 1 -1
        bias: 0
        target: 0 0 0; 0 0 0; 0 0 0
        learning-rate: 0.01
        loss: squared
        ---
        # Retropropagación: un paso de entrenamiento de un kernel de {kernel}

        Entrenar es cambiar cada peso un poco en la dirección que baja la pérdida. Esta lección da a mano uno de esos pasos para un kernel de {kernel}, como en el tutorial de convolución: la salida y, la pérdida L, cómo cambia L con cada celda de salida (dL/dy), cómo cambia con cada peso del kernel (dL/dK), y el kernel tras un paso de SGD.
        """#,
    ]
}
